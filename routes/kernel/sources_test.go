package kernel_test

import (
	"net/netip"
	"testing"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Dual stack gets a preferred source in each family: the kernel holds
// the IPv4 route with the IPv4 source and the IPv6 route with the IPv6
// one.
func TestDualStackSources(t *testing.T) {
	ns, link := setup(t)
	v6 := netip.MustParseAddr("fd00:9::1")
	addr, err := netlink.ParseAddr(v6.String() + "/64")
	if err != nil {
		t.Fatal(err)
	}
	addr.Flags = unix.IFA_F_NODAD // usable as a source at once
	if err := ns.Handle.AddrAdd(&netlink.Veth{LinkAttrs: netlink.LinkAttrs{Index: link}}, addr); err != nil {
		t.Fatal(err)
	}
	d := dualStack(link)
	d.Source, d.Sources = netip.Addr{}, []netip.Addr{local, v6}
	a := newAdapter(t, ns)
	if err := a.Sync(d); err != nil {
		t.Fatal(err)
	}
	if p := a.Status().Pending; len(p) != 0 {
		t.Fatalf("pending: %+v", p)
	}
	rs, err := ns.Handle.RouteListFiltered(netlink.FAMILY_ALL, &netlink.Route{Table: table}, netlink.RT_FILTER_TABLE)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range rs {
		got[r.Dst.String()] = r.Src.String()
	}
	want := map[string]string{"10.1.0.0/16": local.String(), "fd00:1::/64": v6.String()}
	for dst, src := range want {
		if got[dst] != src {
			t.Errorf("route %s has source %q, want %q (table: %v)", dst, got[dst], src, got)
		}
	}
	if !a.Converged() {
		t.Errorf("not converged: %+v", a.Status())
	}
}
