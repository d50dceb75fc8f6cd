package ipam

import "net/netip"

// addrsText returns before, then addrs as fmt's %v writes them ("[a b]",
// "[]" for none), then after: the messages that name an owner's
// addresses, built in one allocation (fmt would take three per address,
// through reflection, on every allocation's path).
func addrsText(before string, addrs []netip.Addr, after string) string {
	var buf [128]byte
	return string(appendAddrsText(buf[:0], before, addrs, after))
}

// appendAddrsText appends what addrsText returns to b.
func appendAddrsText(b []byte, before string, addrs []netip.Addr, after string) []byte {
	b = append(b, before...)
	b = append(b, '[')
	for i, a := range addrs {
		if i > 0 {
			b = append(b, ' ')
		}
		if a.IsValid() {
			b = a.AppendTo(b)
		} else {
			b = append(b, "invalid IP"...) // as Addr.String says it
		}
	}
	b = append(b, ']')
	return append(b, after...)
}
