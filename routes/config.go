package routes

import (
	"fmt"
	"net/netip"

	"github.com/meshstate/meshstate/retry"
)

// Config configures a Machine. Table and Protocol are the ownership
// marker: only routes carrying both, and rules carrying both, are ours.
type Config struct {
	// Table is the routing table of our routes (1..2^32-1, not 253-255,
	// the kernel's default, main and local tables).
	Table uint32 `json:"table"`
	// Protocol is the route protocol number marking our routes and rules
	// (RTPROT_*; above 4, the kernel's own, e.g. 250).
	Protocol uint8 `json:"protocol"`
	// Metric of our routes.
	Metric uint32 `json:"metric,omitempty"`
	// RulePriority of our rules; 0 means 100.
	RulePriority uint32 `json:"rulePriority,omitempty"`
	// PodCIDRs are the local cluster's pod CIDRs: a remote subnet
	// overlapping one would hijack local traffic, and is refused.
	PodCIDRs []netip.Prefix `json:"podCIDRs,omitempty"`
	// ServiceCIDRs are the local cluster's service CIDRs, refused as
	// remote subnets like PodCIDRs.
	ServiceCIDRs []netip.Prefix `json:"serviceCIDRs,omitempty"`
	// AllowHijack applies routes overlapping the local CIDRs, and default
	// routes, instead of refusing them. Off by default.
	AllowHijack bool `json:"allowHijack,omitempty"`
	// Retry schedules retries of failed operations; zero means
	// retry.DefaultSchedule().
	Retry retry.Schedule `json:"retry,omitzero"`
	// SlowRetry schedules retries of operations that failed with Class
	// Permanent, which only an operator's fix cures; zero means
	// retry.SlowSchedule().
	SlowRetry retry.Schedule `json:"slowRetry,omitzero"`
}

// DefaultRulePriority is the rule priority when Config leaves it zero.
const DefaultRulePriority = 100

func (c *Config) validate() error {
	bad := func(field, reason string) error {
		return &RejectedError{Field: field, Reason: reason, Err: ErrInvalidConfig}
	}
	switch {
	case c.Table == 0 || c.Table >= 253 && c.Table <= 255:
		return bad("table", fmt.Sprintf("%d is reserved", c.Table))
	case c.Protocol <= 4:
		return bad("protocol", fmt.Sprintf("%d is the kernel's", c.Protocol))
	}
	for _, p := range append(append([]netip.Prefix(nil), c.PodCIDRs...), c.ServiceCIDRs...) {
		if !p.IsValid() {
			return bad("cidrs", "invalid prefix")
		}
	}
	if c.RulePriority == 0 {
		c.RulePriority = DefaultRulePriority
	}
	if _, err := retry.Defaults(&c.Retry, &c.SlowRetry); err != nil {
		return &RejectedError{Field: "retry", Reason: err.Error(), Err: ErrInvalidConfig}
	}
	return nil
}

// OwnsRoute reports whether r carries the ownership marker.
func (c Config) OwnsRoute(r Route) bool { return r.Table == c.Table && r.Protocol == c.Protocol }

// OwnsRule reports whether r carries the ownership marker.
func (c Config) OwnsRule(r Rule) bool { return r.Table == c.Table && r.Protocol == c.Protocol }
