package routes

import (
	"net/netip"
	"testing"
)

// The route id and routeSatisfies are written for speed (issue 17); they
// must equal the plain forms they replace.
func TestIDAndSatisfiesAsPlainForms(t *testing.T) {
	plainID := func(r Route) routeID {
		a := r.Dst.Addr().As16()
		be := func(b []byte) uint64 {
			var v uint64
			for _, c := range b {
				v = v<<8 | uint64(c)
			}
			return v
		}
		return routeID{hi: be(a[:8]), lo: be(a[8:]), table: r.Table, metric: r.Metric,
			bits: int16(r.Dst.Bits()), v6: r.Dst.Addr().Is6()}
	}
	plainSatisfies := func(have, want Route) bool {
		if want.LinkIndex == 0 && want.Gateway.IsValid() {
			have.LinkIndex = 0
		}
		return have == want
	}
	var dsts []netip.Prefix
	for _, s := range []string{"0.0.0.0/0", "10.1.2.3/32", "10.1.0.0/16", "255.255.255.255/32",
		"::/0", "::ffff:10.1.2.3/128", "2001:db8::/32", "fe80::1/64", "ffff::/16"} {
		dsts = append(dsts, netip.MustParsePrefix(s))
	}
	dsts = append(dsts, netip.Prefix{})
	gws := []netip.Addr{{}, netip.MustParseAddr("192.168.1.2"), netip.MustParseAddr("fd00::2")}
	var rs []Route
	for _, d := range dsts {
		for _, gw := range gws {
			for _, link := range []int{0, 3} {
				for _, metric := range []uint32{0, 7} {
					rs = append(rs, Route{Dst: d, Gateway: gw, LinkIndex: link, Table: 150, Protocol: 250, Metric: metric},
						Route{Dst: d, Gateway: gw, LinkIndex: link, Src: netip.MustParseAddr("10.9.9.9"), Table: 151, Protocol: 250, Metric: metric},
						Route{Dst: d, Gateway: gw, LinkIndex: link, Table: 150, Protocol: 251, Metric: metric})
				}
			}
		}
	}
	for _, r := range rs {
		if got, want := r.id(), plainID(r); got != want {
			t.Errorf("%v: id %+v, want %+v", r, got, want)
		}
		for _, w := range rs {
			if got, want := routeSatisfies(&r, &w), plainSatisfies(r, w); got != want {
				t.Errorf("routeSatisfies(%v, %v) = %v, want %v", r, w, got, want)
			}
		}
	}
}
