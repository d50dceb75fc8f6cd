package vip

import (
	"fmt"
	"net/netip"

	"github.com/meshstate/meshstate/internal/k8sname"
)

// Validate reports the first malformed field of s as a *RejectedError
// wrapping ErrInvalidService, or nil.
func (s *Service) Validate() error {
	bad := func(field, reason string) error {
		return &RejectedError{Object: "service", Key: s.Key(), Field: field, Reason: reason, Err: ErrInvalidService}
	}
	if r := k8sname.Label(s.Namespace); r != "" {
		return bad("namespace", r)
	}
	if r := k8sname.Label(s.Name); r != "" {
		return bad("name", r)
	}
	if s.UID == "" {
		return bad("uid", "must not be empty")
	}
	switch s.Type {
	case "", ServiceTypeClusterIP, ServiceTypeNodePort, ServiceTypeLoadBalancer, ServiceTypeExternalName:
	default:
		return bad("type", fmt.Sprintf("unknown type %q", s.Type))
	}
	switch s.ExternalTrafficPolicy {
	case "", ServiceTrafficCluster, ServiceTrafficLocal:
	default:
		return bad("externalTrafficPolicy", fmt.Sprintf("unknown policy %q", s.ExternalTrafficPolicy))
	}
	for i, a := range s.VIPs {
		if r := vipAddrProblem(a); r != "" {
			return bad(fmt.Sprintf("vips[%d]", i), r)
		}
		// Quadratic, but a Service has a handful of VIPs at most; a
		// duplicate would count the service twice for one VIP.
		for j := range i {
			if s.VIPs[j] == a {
				return bad(fmt.Sprintf("vips[%d]", i), fmt.Sprintf("%v repeats vips[%d]", a, j))
			}
		}
	}
	return nil
}

func vipAddrProblem(a netip.Addr) string {
	switch {
	case !a.IsValid():
		return "not a valid address"
	case a.Zone() != "":
		return "must not carry an IPv6 zone"
	case a.Is4In6():
		return "an IPv4-mapped IPv6 address; use the IPv4 form"
	}
	return ""
}

// Validate reports the first malformed field of s as a *RejectedError
// wrapping ErrInvalidSlice, or nil.
func (s *Slice) Validate() error {
	bad := func(field, reason string) error {
		return &RejectedError{Object: "slice", Key: s.Key(), Field: field, Reason: reason, Err: ErrInvalidSlice}
	}
	if r := k8sname.Label(s.Namespace); r != "" {
		return bad("namespace", r)
	}
	if r := k8sname.Subdomain(s.Name); r != "" {
		return bad("name", r)
	}
	if s.UID == "" {
		return bad("uid", "must not be empty")
	}
	if s.ServiceName == "" {
		return bad("labels["+SliceServiceNameLabel+"]", "missing: the slice belongs to no service")
	}
	if r := k8sname.Label(s.ServiceName); r != "" {
		return bad("labels["+SliceServiceNameLabel+"]", r)
	}
	for i := range s.Endpoints {
		if n := s.Endpoints[i].NodeName; n != "" {
			if r := k8sname.Subdomain(n); r != "" {
				return bad(fmt.Sprintf("endpoints[%d].nodeName", i), r)
			}
		}
		// The API validates an endpoint's hostname as a DNS label.
		if h := s.Endpoints[i].Hostname; h != "" {
			if r := k8sname.Label(h); r != "" {
				return bad(fmt.Sprintf("endpoints[%d].hostname", i), r)
			}
		}
	}
	return nil
}
