package endpointkube_test

import (
	"errors"
	"net/netip"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meshstate/meshstate/kube/apis/v1alpha1"
	"github.com/meshstate/meshstate/kube/endpointkube"
)

func TestConvert(t *testing.T) {
	created := time.Date(2025, 6, 30, 20, 4, 23, 0, time.UTC)
	ge := &v1alpha1.GatewayEndpoint{
		ObjectMeta: metav1.ObjectMeta{Name: "east-gw", UID: "u1", ResourceVersion: "7",
			CreationTimestamp: metav1.NewTime(created)},
		Spec: v1alpha1.GatewayEndpointSpec{ClusterID: "east", Subnets: []string{"10.2.0.0/16"},
			HealthCheckIP: "10.2.0.7", PublicIP: "192.0.2.1", Sequence: 3},
	}
	ep, err := endpointkube.Convert(ge)
	if err != nil {
		t.Fatal(err)
	}
	if ep.Name != "east-gw" || ep.UID != "u1" || ep.ResourceVersion != "7" || ep.ClusterID != "east" ||
		!ep.CreatedAt.Equal(created) || ep.Sequence != 3 || ep.HealthCheckIP != netip.MustParseAddr("10.2.0.7") ||
		ep.PublicIP != netip.MustParseAddr("192.0.2.1") || ep.PrivateIP.IsValid() ||
		len(ep.Subnets) != 1 || ep.Subnets[0] != netip.MustParsePrefix("10.2.0.0/16") {
		t.Fatalf("converted %+v", ep)
	}
	for name, mutate := range map[string]func(*v1alpha1.GatewayEndpointSpec){
		"bad subnet":      func(s *v1alpha1.GatewayEndpointSpec) { s.Subnets = []string{"10.2.0.0/33"} },
		"bad address":     func(s *v1alpha1.GatewayEndpointSpec) { s.PrivateIP = "10.2.0" },
		"negative number": func(s *v1alpha1.GatewayEndpointSpec) { s.Sequence = -1 },
	} {
		bad := ge.DeepCopy()
		mutate(&bad.Spec)
		if _, err := endpointkube.Convert(bad); !errors.Is(err, endpointkube.ErrMalformed) {
			t.Errorf("%s: %v, want ErrMalformed", name, err)
		}
	}
}
