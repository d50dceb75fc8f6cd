package routes_test

import (
	"fmt"
	"net/netip"

	"github.com/meshstate/meshstate/routes"
)

// A route agent restarts: it learns the desired remotes, then dumps the
// kernel, which still holds a stale route of ours and a foreign one. The
// machine adds what is missing at once but deletes the stale route only
// after the desired source has synced; a remote subnet overlapping the
// local pod CIDR is refused.
func Example() {
	m, _ := routes.New(routes.Config{Table: 150, Protocol: 250,
		PodCIDRs: []netip.Prefix{netip.MustParsePrefix("10.7.0.0/16")}})
	show := func(ops []routes.Effect, err error) {
		for _, op := range ops {
			fmt.Println(" ", op)
		}
		if err != nil {
			fmt.Println("  error:", err)
		}
	}
	fmt.Println("desired:")
	show(m.Step(routes.Desired{Source: netip.MustParseAddr("10.7.0.1"), Remotes: []routes.Remote{{
		Cluster: "east", Gateway: netip.MustParseAddr("192.168.1.2"),
		Subnets: []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16"), netip.MustParsePrefix("10.7.3.0/24")},
	}}}))
	fmt.Println("dump:")
	show(m.Step(routes.Dump{Complete: true, Routes: []routes.Route{
		{Dst: netip.MustParsePrefix("10.9.0.0/16"), LinkIndex: 2, Table: 150, Protocol: 250},
		{Dst: netip.MustParsePrefix("172.16.0.0/24"), LinkIndex: 2, Table: 150, Protocol: 4},
	}}))
	fmt.Println("synced:")
	show(m.Step(routes.DesiredSynced{}))
	// Output:
	// desired:
	//   Refuse 10.7.3.0/24: Hijack: routes: route would hijack local traffic: cluster "east" subnet 10.7.3.0/24: overlaps the local pod CIDR 10.7.0.0/16
	// dump:
	//   ReplaceRoute 10.1.0.0/16 table 150 proto 250 via 192.168.1.2 src 10.7.0.1
	//   AddRule -4 100: from all to all lookup 150 proto 250
	// synced:
	//   DeleteRoute 10.9.0.0/16 table 150 proto 250 dev #2
}
