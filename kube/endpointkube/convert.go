package endpointkube

import (
	"errors"
	"fmt"
	"net/netip"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/meshstate/meshstate/endpoint"
	"github.com/meshstate/meshstate/kube/apis/v1alpha1"
)

// ErrMalformed: a GatewayEndpoint could not be converted into an
// endpoint.Endpoint. The adapter skips such objects.
var ErrMalformed = errors.New("endpointkube: malformed GatewayEndpoint")

// Convert turns a GatewayEndpoint into the machine's Endpoint. Addresses
// and subnets are parsed here; the machine validates the rest.
func Convert(ge *v1alpha1.GatewayEndpoint) (endpoint.Endpoint, error) {
	s := &ge.Spec
	ep := endpoint.Endpoint{
		Name: ge.Name, UID: string(ge.UID), ResourceVersion: ge.ResourceVersion,
		ClusterID: s.ClusterID, CableName: s.CableName, Hostname: s.Hostname,
		Backend: s.Backend, BackendConfig: s.BackendConfig, CreatedAt: ge.CreationTimestamp.Time,
	}
	if s.Sequence < 0 {
		return endpoint.Endpoint{}, malformed(ge, "spec.sequence", fmt.Errorf("%d is negative", s.Sequence))
	}
	ep.Sequence = uint64(s.Sequence)
	for i, sub := range s.Subnets {
		p, err := netip.ParsePrefix(sub)
		if err != nil {
			return endpoint.Endpoint{}, malformed(ge, fmt.Sprintf("spec.subnets[%d]", i), err)
		}
		ep.Subnets = append(ep.Subnets, p)
	}
	for _, f := range [...]struct {
		field string
		in    string
		out   *netip.Addr
	}{
		{"spec.privateIP", s.PrivateIP, &ep.PrivateIP},
		{"spec.publicIP", s.PublicIP, &ep.PublicIP},
		{"spec.healthCheckIP", s.HealthCheckIP, &ep.HealthCheckIP},
	} {
		if f.in == "" {
			continue
		}
		a, err := netip.ParseAddr(f.in)
		if err != nil {
			return endpoint.Endpoint{}, malformed(ge, f.field, err)
		}
		*f.out = a
	}
	return ep, nil
}

func malformed(ge *v1alpha1.GatewayEndpoint, field string, err error) error {
	return fmt.Errorf("%w: %s/%s %s: %w", ErrMalformed, ge.Namespace, ge.Name, field, err)
}

// decode converts an informer object.
func decode(obj any) (endpoint.Endpoint, error) {
	u, ok := obj.(*unstructured.Unstructured)
	if !ok {
		return endpoint.Endpoint{}, fmt.Errorf("%w: %T is not an unstructured object", ErrMalformed, obj)
	}
	var ge v1alpha1.GatewayEndpoint
	if err := v1alpha1.FromUnstructured(u, &ge); err != nil {
		return endpoint.Endpoint{}, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return Convert(&ge)
}
