package ipam_test

import (
	"net/netip"
	"testing"

	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/ipam"
	"github.com/meshstate/meshstate/ipam/ipamtest"
)

// Invariants 1 to 6 over generated sessions, with a pool small enough to
// run full, with both NotFound policies, and with IPv4 and IPv6 ranges.
func TestMachineProperties(t *testing.T) {
	for name, cfg := range map[string]ipam.Config{
		"ipv4":              {Prefixes: []netip.Prefix{netip.MustParsePrefix("242.0.0.0/29")}},
		"release-on-absent": {Prefixes: []netip.Prefix{netip.MustParsePrefix("242.0.0.0/28")}, ReleaseOnNotFound: true},
		"ipv6-and-ipv4":     {Prefixes: []netip.Prefix{netip.MustParsePrefix("fd00::/125"), netip.MustParsePrefix("242.0.1.0/30")}},
	} {
		t.Run(name, func(t *testing.T) { rapid.Check(t, ipamtest.Property(cfg)) })
	}
}
