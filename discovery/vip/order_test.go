package vip

import (
	"net/netip"
	"testing"

	"pgregory.net/rapid"
)

// compareVIPs agrees with netip.Addr.Compare on every address the machine
// accepts: IPv4, and IPv6 without a zone and not IPv4-mapped.
func TestCompareVIPsAgreesWithCompare(t *testing.T) {
	addr := rapid.Custom(func(t *rapid.T) netip.Addr {
		if rapid.Bool().Draw(t, "v4") {
			return netip.AddrFrom4([4]byte(rapid.SliceOfN(rapid.Byte(), 4, 4).Draw(t, "a4")))
		}
		a := netip.AddrFrom16([16]byte(rapid.SliceOfN(rapid.Byte(), 16, 16).Draw(t, "a16")))
		if a.Is4In6() {
			return a.Unmap()
		}
		return a
	})
	rapid.Check(t, func(t *rapid.T) {
		a, b := addr.Draw(t, "a"), addr.Draw(t, "b")
		if rapid.Bool().Draw(t, "same") {
			b = a
		}
		if got, want := compareVIPs(a, b), a.Compare(b); got != want {
			t.Fatalf("compareVIPs(%v, %v) = %d, Compare says %d", a, b, got, want)
		}
	})
}
