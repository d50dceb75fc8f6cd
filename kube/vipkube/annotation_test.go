package vipkube_test

import (
	"bytes"
	"context"
	"errors"
	"net/netip"
	"slices"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/meshstate/meshstate/discovery/vip"
	"github.com/meshstate/meshstate/kube/adapter"
	"github.com/meshstate/meshstate/kube/internal/kubetest"
	"github.com/meshstate/meshstate/kube/vipkube"
)

// Issue 14, item 3 (kube-vip issue 534): a LoadBalancer Service whose only
// address is kube-vip's annotation, as kube-vip's cloud provider writes it
// since v0.0.7, is announced; so is a dual-stack list. Under
// externalTrafficPolicy Local, an endpoint without nodeName whose hostname
// is this node's name counts as local (kube-vip's fallback); one whose
// nodeName names another node does not, whatever its hostname.
func TestVIPAnnotationOnlyService(t *testing.T) {
	env := kubetest.Shared(t)
	cs, _ := env.Admin(t)
	ns := env.Namespace(t)
	user := env.UserWithRole(t, "vip-agent-annot", "discovery.yaml")
	c := kubetest.NewClients(t, user)
	ctx := context.Background()

	defer kubetest.NoLeaks(t)()
	defer c.Close()
	rec := &recorder{}
	var trace bytes.Buffer
	a := newAdapter(t, c, ns, rec, &trace)
	r := kubetest.Go(a.Run)
	kubetest.WaitFor(t, 20*time.Second, "sync", func() bool { b, _ := rec.committed(); return len(b) > 0 })

	expect := func(what string, want ...netip.Addr) {
		t.Helper()
		kubetest.WaitFor(t, 10*time.Second, what, func() bool { return slices.Equal(rec.announced(), want) })
	}
	v4, v6 := netip.MustParseAddr("198.51.100.7"), netip.MustParseAddr("2001:db8::7")

	// Annotation only: no spec.loadBalancerIP, no status.
	svc := lbService(ns, "web", "", false)
	svc.Annotations = map[string]string{vip.DefaultAddressAnnotation: " 198.51.100.7 , 2001:db8::7"}
	createService(t, cs, svc)
	createSlice(t, cs, endpointSlice(ns, "web-abc12", "web", node, true))
	expect("the annotation's dual-stack addresses announced", v4, v6)

	// Local, endpoint placed only by its hostname.
	local := lbService(ns, "db", "", true)
	vLocal := netip.MustParseAddr("198.51.100.8")
	local.Annotations = map[string]string{vip.DefaultAddressAnnotation: vLocal.String()}
	createService(t, cs, local)
	byHost := endpointSlice(ns, "db-host1", "db", "", true)
	byHost.Endpoints[0].NodeName, byHost.Endpoints[0].Hostname = nil, ptrTo(node)
	createSlice(t, cs, byHost)
	expect("a Local service whose endpoint matches this node by hostname", v4, vLocal, v6)

	// nodeName wins over hostname: on node-b, the hostname says nothing.
	sl, err := cs.DiscoveryV1().EndpointSlices(ns).Get(ctx, "db-host1", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sl.Endpoints[0].NodeName = ptrTo("node-b")
	if _, err := cs.DiscoveryV1().EndpointSlices(ns).Update(ctx, sl, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	expect("withdrawal once nodeName names another node", v4, v6)

	// A bad entry is skipped, the rest still counts: no older version of
	// the Service stays in force.
	got, err := cs.CoreV1().Services(ns).Get(ctx, "web", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got.Annotations[vip.DefaultAddressAnnotation] = "not-an-ip,198.51.100.9"
	if _, err := cs.CoreV1().Services(ns).Update(ctx, got, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	expect("a malformed entry skipped, the valid one announced", netip.MustParseAddr("198.51.100.9"))

	r.Stop(t)
	replayVIP(t, vipConfig(), trace.Bytes(), rec.calls())
}

func ptrTo[T any](v T) *T { return &v }

// A configured annotation key the API would refuse is a typo that would
// silently read nothing: the adapter refuses it, typed.
func TestVIPAdapterRefusesBadAnnotationKey(t *testing.T) {
	_, err := vipkube.New(vipkube.Config{Client: fake.NewClientset(), Machine: vipConfig(),
		Announcer: &recorder{}, AddressAnnotations: []string{"kube-vip.io/loadbalancerIPs", "not a key!"}})
	if !errors.Is(err, adapter.ErrInvalidConfig) {
		t.Fatalf("got %v, want ErrInvalidConfig", err)
	}
}
