package ipam

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
)

// addrsText writes addresses exactly as fmt's %v, which the messages used
// before it.
func TestAddrsTextIsFmt(t *testing.T) {
	long := make([]netip.Addr, 40)
	for i := range long {
		long[i] = netip.AddrFrom4([4]byte{242, 0, 1, byte(i)})
	}
	for _, addrs := range [][]netip.Addr{
		nil,
		{},
		{netip.MustParseAddr("242.0.0.1")},
		{netip.MustParseAddr("242.0.0.1"), netip.MustParseAddr("242.0.0.2")},
		{netip.MustParseAddr("fd00::1"), netip.MustParseAddr("::ffff:1.2.3.4"), netip.MustParseAddr("fe80::1%eth0")},
		{{}},
		long,
	} {
		want := fmt.Sprintf("kept %v, which its status records", addrs)
		if got := addrsText("kept ", addrs, ", which its status records"); got != want {
			t.Errorf("addrsText(%#v) = %q, want %q", addrs, got, want)
		}
	}
	if got := addrsText(strings.Repeat("x", 200), nil, ""); got != strings.Repeat("x", 200)+"[]" {
		t.Errorf("long text: %q", got)
	}
}
