package endpoint

import (
	"fmt"
	"net/netip"

	"github.com/meshstate/meshstate/internal/k8sname"
)

// Validate reports the first malformed field of e as a *RejectedError
// wrapping ErrInvalidEndpoint, or nil.
func (e *Endpoint) Validate() error { return e.validateAgainst(nil) }

// validateAgainst validates e, skipping the costly checks of the fields it
// shares with old, a stored version that passed them already.
func (e *Endpoint) validateAgainst(old *Endpoint) error {
	if old == nil || e.Name != old.Name {
		if r := k8sname.Subdomain(e.Name); r != "" {
			return invalid(e, "name", r)
		}
	}
	if old == nil || e.ClusterID != old.ClusterID {
		if r := k8sname.Label(e.ClusterID); r != "" {
			return invalid(e, "clusterID", r)
		}
	}
	// Subnets are checked again although they rarely change: they are few,
	// and comparing them with the stored ones would cost a cache miss.
	if err := e.validateSubnets(); err != nil {
		return err
	}
	return e.validateAddrs()
}

func (e *Endpoint) validateSubnets() error {
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
	return nil
}

func (e *Endpoint) validateAddrs() error {
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
