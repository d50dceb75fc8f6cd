package vip

import (
	"cmp"
	"encoding/binary"
	"net/netip"
)

// compareVIPs orders addresses as netip.Addr.Compare does, for the ones
// the machine holds: validation refuses zones and IPv4-mapped IPv6, so
// the family and the 128 bits decide, and Compare's zone lookups are
// skipped. At sync the whole advertise set is sorted by it, 100,000
// effects at a time.
func compareVIPs(a, b netip.Addr) int {
	if c := cmp.Compare(a.BitLen(), b.BitLen()); c != 0 {
		return c
	}
	x, y := a.As16(), b.As16()
	if c := cmp.Compare(binary.BigEndian.Uint64(x[:8]), binary.BigEndian.Uint64(y[:8])); c != 0 {
		return c
	}
	return cmp.Compare(binary.BigEndian.Uint64(x[8:]), binary.BigEndian.Uint64(y[8:]))
}
