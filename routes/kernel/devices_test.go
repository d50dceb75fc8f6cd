package kernel_test

import (
	"net/netip"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
	"go.uber.org/goleak"

	"github.com/meshstate/meshstate/routes"
)

// deviceRoutes returns the link index of each route of our table.
func deviceRoutes(t testing.TB, h *netlink.Handle) map[string]int {
	t.Helper()
	rs, err := h.RouteListFiltered(netlink.FAMILY_V4, &netlink.Route{Table: table}, netlink.RT_FILTER_TABLE)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, r := range rs {
		out[r.Dst.String()] = r.LinkIndex
	}
	return out
}

// A remote routed through a device it names (Remote.Device) follows the
// device when it is deleted and created again at a new index: the routes
// move to the new index with no new Desired.
func TestDeviceRecreatedRoutesFollow(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	ns, _ := setup(t)
	tun := ns.Veth(t, "tun0", "tun0p")
	old := tun.Attrs().Index
	d := routes.Desired{Remotes: []routes.Remote{{Cluster: "south", LinkIndex: old, Device: "tun0",
		Subnets: []netip.Prefix{netip.MustParsePrefix("10.5.0.0/16"), netip.MustParsePrefix("10.6.0.0/16")}}}}
	a := newAdapter(t, ns)
	start(t, a, d)
	at := func(index int) func() bool {
		return func() bool {
			got := deviceRoutes(t, ns.Handle)
			return len(got) == 2 && got["10.5.0.0/16"] == index && got["10.6.0.0/16"] == index && a.Converged()
		}
	}
	waitFor(t, at(old))

	if err := ns.Handle.LinkDel(tun); err != nil {
		t.Fatal(err)
	}
	recreated := time.Now()
	tun = ns.Veth(t, "tun0", "tun0p")
	if tun.Attrs().Index == old {
		t.Fatalf("the device came back at the same index %d", old)
	}
	waitFor(t, at(tun.Attrs().Index))
	t.Logf("routes moved from index %d to %d in %v", old, tun.Attrs().Index, time.Since(recreated))
}
