package endpoint

import (
	"fmt"
	"net/netip"

	"github.com/meshstate/meshstate/internal/k8sname"
)

// Validate reports the first malformed field of e as a *RejectedError
// wrapping ErrInvalidEndpoint, or nil.
func (e *Endpoint) Validate() error {
	if r := k8sname.Subdomain(e.Name); r != "" {
		return invalid(e, "name", r)
	}
	if r := k8sname.Label(e.ClusterID); r != "" {
		return invalid(e, "clusterID", r)
	}
	for i, p := range e.Subnets {
		switch {
		case !p.IsValid():
			return invalid(e, fmt.Sprintf("subnets[%d]", i), "not a valid prefix")
		case p != p.Masked():
			return invalid(e, fmt.Sprintf("subnets[%d]", i), fmt.Sprintf("%v has host bits set; use %v", p, p.Masked()))
		}
		for j := range i {
			if p.Overlaps(e.Subnets[j]) {
				return invalid(e, fmt.Sprintf("subnets[%d]", i), fmt.Sprintf("%v overlaps subnets[%d] %v", p, j, e.Subnets[j]))
			}
		}
	}
	for _, f := range [...]struct {
		name string
		addr netip.Addr
	}{{"privateIP", e.PrivateIP}, {"publicIP", e.PublicIP}, {"healthCheckIP", e.HealthCheckIP}} {
		if f.addr.Zone() != "" {
			return invalid(e, f.name, "must not carry an IPv6 zone")
		}
	}
	return nil
}

func invalid(e *Endpoint, field, reason string) error {
	return &RejectedError{Name: e.Name, Field: field, Reason: reason, Err: ErrInvalidEndpoint}
}
