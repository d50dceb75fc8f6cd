package kernel_test

import (
	"context"
	"log"
	"net/netip"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"

	"github.com/meshstate/meshstate/routes"
	"github.com/meshstate/meshstate/routes/kernel"
)

// A route agent keeps table 150 at the routes to the remote clusters its
// informers describe, and nothing else of its own: routes of other owners
// are never touched, and nothing is pruned before the first desired state
// arrives. (Not run: it needs CAP_NET_ADMIN.)
func ExampleAdapter_Run() {
	ns, err := netns.Get()
	if err != nil {
		log.Fatal(err)
	}
	defer ns.Close()
	h, err := netlink.NewHandleAt(ns)
	if err != nil {
		log.Fatal(err)
	}
	defer h.Close()
	a, err := kernel.New(h, ns, routes.Config{
		Table: 150, Protocol: 250,
		PodCIDRs:     []netip.Prefix{netip.MustParsePrefix("10.244.0.0/16")},
		ServiceCIDRs: []netip.Prefix{netip.MustParsePrefix("10.96.0.0/16")},
	})
	if err != nil {
		log.Fatal(err)
	}
	desired := make(chan routes.Desired, 1)
	// Send the first desired state once the informers have synced; each
	// later one replaces it whole.
	desired <- routes.Desired{Remotes: []routes.Remote{{
		Cluster: "east",
		Subnets: []netip.Prefix{netip.MustParsePrefix("10.245.0.0/16")},
		Gateway: netip.MustParseAddr("192.168.1.20"),
	}}}
	log.Print(a.Run(context.Background(), desired))
}
