package ipam

import (
	"encoding/binary"
	"net/netip"
)

// poolRange is one prefix of a pool: its usable addresses are the indexes
// [base, base+n) of the pool's bitmap. Addresses are kept as 128-bit
// integers (hi, lo), IPv4 ones in lo alone, so that mapping an address to
// its index is integer arithmetic.
type poolRange struct {
	prefix netip.Prefix
	hi, lo uint64 // the first usable address
	base   int
	n      int
	used   int
	is4    bool
}

// poolNewRange returns the range of a valid, masked prefix of at most 2^24
// addresses whose first index is base.
func poolNewRange(pfx netip.Prefix, base int) poolRange {
	r := poolRange{prefix: pfx, base: base, is4: pfx.Addr().Is4()}
	host := pfx.Addr().BitLen() - pfx.Bits()
	r.hi, r.lo = poolKey(pfx.Addr())
	r.n = 1 << host
	if r.is4 && host >= 2 {
		// Network and broadcast addresses are not in the index space at
		// all, so they cost nothing to refuse.
		r.lo++
		r.n -= 2
	}
	return r
}

// poolKey returns addr as a 128-bit integer (IPv4: lo alone).
func poolKey(addr netip.Addr) (hi, lo uint64) {
	if addr.Is4() {
		b := addr.As4()
		return 0, uint64(binary.BigEndian.Uint32(b[:]))
	}
	b := addr.As16()
	return binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])
}

// addr returns the address of index i, which lies in r.
func (r *poolRange) addr(i int) netip.Addr {
	if r.is4 {
		return r.addr4(i)
	}
	return r.addr6(i)
}

// addr4 is addr for an IPv4 range, small enough to inline.
func (r *poolRange) addr4(i int) netip.Addr {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], uint32(r.lo)+uint32(i-r.base))
	return netip.AddrFrom4(b)
}

// addr6 is addr for an IPv6 range.
func (r *poolRange) addr6(i int) netip.Addr {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], r.hi)
	binary.BigEndian.PutUint64(b[8:], r.lo+uint64(i-r.base)) // no carry: the prefix is aligned
	return netip.AddrFrom16(b)
}

// lookup returns addr's index and range, or a nil range if addr is not a
// usable address of the pool. IPv4-mapped IPv6 and zoned addresses are not:
// no prefix of a pool holds them. A pool with one IPv4 prefix, the common
// case, skips the search.
func (p *Pool) lookup(addr netip.Addr) (int, *poolRange) {
	if !addr.Is4() || p.n4 != 1 {
		return p.search(addr)
	}
	b := addr.As4()
	r := &p.ranges[0]
	if off := uint64(binary.BigEndian.Uint32(b[:])) - r.lo; off < uint64(r.n) {
		return r.base + int(off), r
	}
	return 0, nil
}

// search is lookup for any pool.
func (p *Pool) search(addr netip.Addr) (int, *poolRange) {
	var rs []poolRange
	var hi, lo uint64
	if addr.Is4() {
		b := addr.As4()
		rs, lo = p.ranges[:p.n4], uint64(binary.BigEndian.Uint32(b[:]))
	} else {
		if !addr.Is6() || addr.Is4In6() || addr.Zone() != "" {
			return 0, nil
		}
		b := addr.As16()
		rs, hi, lo = p.ranges[p.n4:], binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])
	}
	if len(rs) == 0 {
		return 0, nil
	}
	// The last range whose first usable address is <= addr, or the first
	// range.
	l := 0
	for h := len(rs); h-l > 1; {
		m := int(uint(l+h) >> 1)
		if hi < rs[m].hi || hi == rs[m].hi && lo < rs[m].lo {
			h = m
		} else {
			l = m
		}
	}
	r := &rs[l]
	// Below r's first address, lo-r.lo wraps around to a large number.
	if off := lo - r.lo; r.hi == hi && off < uint64(r.n) {
		return r.base + int(off), r
	}
	return 0, nil
}

// rangeOf returns the range holding index i, which lies in the pool.
func (p *Pool) rangeOf(i int) *poolRange {
	rs := p.ranges
	l, h := 0, len(rs)-1
	for l < h { // the last range whose base is <= i
		m := int(uint(l+h+1) >> 1)
		if rs[m].base <= i {
			l = m
		} else {
			h = m - 1
		}
	}
	return &rs[l]
}
