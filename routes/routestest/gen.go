package routestest

import (
	"fmt"
	"net/netip"

	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/internal/rapidreport"
	"github.com/meshstate/meshstate/routes"
)

// Config is the configuration the property runs with: table 150, protocol
// 250, a local pod CIDR (10.7.0.0/16) and service CIDR (fd07::/64) that
// generated subnets sometimes overlap, and short retries.
func Config() routes.Config {
	return routes.Config{
		Table: 150, Protocol: 250,
		PodCIDRs:     []netip.Prefix{netip.MustParsePrefix("10.7.0.0/16")},
		ServiceCIDRs: []netip.Prefix{netip.MustParsePrefix("fd07::/64")},
	}
}

// subnets is the small space generated remotes draw from, so that
// sessions revisit, move and conflict over the same subnets. The last ones
// would hijack local traffic.
var subnets = []netip.Prefix{
	netip.MustParsePrefix("10.1.0.0/16"), netip.MustParsePrefix("10.2.0.0/16"),
	netip.MustParsePrefix("10.3.0.0/16"), netip.MustParsePrefix("10.4.0.0/24"),
	netip.MustParsePrefix("fd01::/64"), netip.MustParsePrefix("fd02::/64"),
	netip.MustParsePrefix("10.7.1.0/24"), netip.MustParsePrefix("0.0.0.0/0"),
	netip.MustParsePrefix("fd07::/80"),
}

var gateways4 = []netip.Addr{netip.MustParseAddr("192.168.1.1"), netip.MustParseAddr("192.168.1.2")}
var gateways6 = []netip.Addr{netip.MustParseAddr("fd99::1"), netip.MustParseAddr("fd99::2")}

// Desired generates a Desired event: up to three clusters, each with a few
// subnets of one family, routed via a gateway or a device.
func Desired(t *rapid.T) routes.Desired {
	var ev routes.Desired
	// A source per family, given the old way (Source) or the new
	// (Sources), so that both stay covered.
	switch rapid.IntRange(0, 3).Draw(t, "sources") {
	case 1:
		ev.Source = netip.MustParseAddr("10.7.0.1")
	case 2:
		ev.Sources = []netip.Addr{netip.MustParseAddr("fd07::1")}
	case 3:
		ev.Source = netip.MustParseAddr("10.7.0.1")
		ev.Sources = []netip.Addr{netip.MustParseAddr("fd07::1")}
	}
	for _, c := range []string{"alpha", "beta", "gamma"} {
		if !rapid.Bool().Draw(t, "has-"+c) {
			continue
		}
		v6 := rapid.Bool().Draw(t, c+"-v6")
		r := routes.Remote{Cluster: c}
		for _, p := range rapidreport.Draw(t, rapid.SliceOfNDistinct(rapid.SampledFrom(subnets), 0, 3, netip.Prefix.String), c+"-subnets") {
			if p.Addr().Is6() == v6 {
				r.Subnets = append(r.Subnets, p)
			}
		}
		if rapid.Bool().Draw(t, c+"-device") {
			r.LinkIndex = rapid.IntRange(2, 3).Draw(t, c+"-link")
		} else if v6 {
			r.Gateway = rapidreport.Draw(t, rapid.SampledFrom(gateways6), c+"-gw")
		} else {
			r.Gateway = rapidreport.Draw(t, rapid.SampledFrom(gateways4), c+"-gw")
		}
		ev.Remotes = append(ev.Remotes, r)
	}
	return ev
}

// Foreign generates a route that is not ours: another protocol in our
// table, or our protocol in another table, never at a key we use.
func Foreign(t *rapid.T, cfg routes.Config) routes.Route {
	r := routes.Route{Dst: netip.PrefixFrom(netip.AddrFrom4([4]byte{172, 16, byte(rapid.IntRange(0, 3).Draw(t, "foreign")), 0}), 24),
		LinkIndex: 2, Table: cfg.Table, Protocol: cfg.Protocol}
	if rapid.Bool().Draw(t, "other-proto") {
		r.Protocol = 4 // static, as `ip route add` sets it
	} else {
		r.Table = 254
		r.Dst = rapidreport.Draw(t, rapid.SampledFrom(subnets[:4]), "main-dst")
	}
	return r
}

// ForeignRule generates a rule that is not ours.
func ForeignRule(t *rapid.T, cfg routes.Config) routes.Rule {
	return routes.Rule{Priority: 100, Table: 200, Dst: rapidreport.Draw(t, rapid.SampledFrom(subnets[:4]), "rule-dst"),
		Protocol: cfg.Protocol}
}

func opKey(op routes.Effect) string {
	if op.Kind.IsRoute() || op.Retry.IsRoute() {
		return fmt.Sprint("route ", op.Route.Key())
	}
	return fmt.Sprint("rule ", op.Rule)
}
