package ipam

import (
	"cmp"
	"fmt"
	"math/bits"
	"net/netip"
	"slices"
)

// PoolMaxSize is the most usable addresses one Pool holds: 2^24, as many as
// an IPv4 /8 (less its network and broadcast addresses) or an IPv6 /104.
// Its bitmap then takes 2 MiB.
const PoolMaxSize = 1 << 24

// Pool hands out the addresses of one or more IPv4 or IPv6 prefixes (both
// families may be mixed) and remembers which are allocated.
//
// Usable addresses: every address of an IPv4 prefix but its network and
// broadcast addresses, which are never handed out nor accepted, except in a
// /31 or /32, where every address is usable (RFC 3021). Every address of an
// IPv6 prefix is usable, the subnet-router anycast address (all host bits
// zero) included: a pool hands out global IPs for services, which is not
// the kind of subnet where that anycast address is configured, so keeping it
// back would only be a surprise. Size counts usable addresses only, and
// Free() plus the allocated addresses is always Size().
//
// Allocation policy, next-fit: AllocateNext hands out the lowest free
// address at or after a cursor, wrapping around past the last address to
// the first, and moves the cursor just past the address it hands out
// (AllocateRange does the same with a run). An address that was just
// released is therefore handed out again only after every other free
// address has been, so a new owner does not receive connections meant for
// the old one. The order of addresses is the order of Prefixes (IPv4 before
// IPv6, then by address). Allocate, AllocateRangeAt and the releases leave
// the cursor where it is; the snapshot carries it.
//
// A Pool is a plain value without goroutines, clock or I/O; it is not safe
// for concurrent use. The zero Pool has no addresses: create pools with
// NewPool.
type Pool struct {
	ranges []poolRange // in the order of Prefixes
	n4     int         // ranges[:n4] are IPv4, ranges[n4:] IPv6
	bits   poolBits
	size   int
	used   int
	cursor int // index where AllocateNext starts looking; < size, or 0
}

// NewPool returns a pool whose addresses are all free, over the given
// prefixes in any order.
//
// Each prefix must be valid and masked (no host bits set); IPv4-mapped IPv6
// prefixes (::ffff:0:0/96 and within) are refused, since their addresses
// would alias IPv4 ones; so are zones. Prefixes must not overlap. All
// refusals wrap ErrInvalidPrefix or ErrOverlappingPrefixes.
//
// Prefixes holding more than PoolMaxSize usable addresses together are
// refused with ErrPoolTooLarge rather than capped: a capped pool would hand
// out only part of what the operator configured, silently, and the first
// sign would be an exhaustion that the configuration says cannot happen.
func NewPool(prefixes ...netip.Prefix) (*Pool, error) {
	if len(prefixes) == 0 {
		return nil, fmt.Errorf("%w: no prefixes given", ErrInvalidPrefix)
	}
	for _, pfx := range prefixes {
		if err := poolCheckPrefix(pfx); err != nil {
			return nil, err
		}
	}
	for _, pfx := range prefixes {
		if host := pfx.Addr().BitLen() - pfx.Bits(); host > 24 {
			return nil, fmt.Errorf("%w: %v holds 2^%d addresses, more than the limit of 2^24 (%d, an IPv4 /8 or an IPv6 /104); use a longer prefix, /%d or longer",
				ErrPoolTooLarge, pfx, host, PoolMaxSize, pfx.Addr().BitLen()-24)
		}
	}
	sorted := slices.Clone(prefixes)
	slices.SortFunc(sorted, comparePrefixes)
	// Prefixes are nested or disjoint, and a prefix sorts before those
	// inside it, so an overlap always shows between neighbours.
	for i := 1; i < len(sorted); i++ {
		if sorted[i-1].Overlaps(sorted[i]) {
			return nil, fmt.Errorf("%w: %v and %v", ErrOverlappingPrefixes, sorted[i-1], sorted[i])
		}
	}
	p := &Pool{ranges: make([]poolRange, len(sorted))}
	for i, pfx := range sorted {
		r := poolNewRange(pfx, p.size)
		if r.n > PoolMaxSize-p.size {
			return nil, fmt.Errorf("%w: the prefixes hold %d usable addresses together, more than the limit of %d (2^24); use fewer or longer prefixes",
				ErrPoolTooLarge, p.size+r.n, PoolMaxSize)
		}
		p.ranges[i] = r
		p.size += r.n
		if r.is4 {
			p.n4++
		}
	}
	p.bits = poolNewBits(p.size)
	return p, nil
}

// poolCheckPrefix validates one prefix on its own.
func poolCheckPrefix(pfx netip.Prefix) error {
	switch {
	case !pfx.IsValid():
		return fmt.Errorf("%w %v", ErrInvalidPrefix, pfx)
	case pfx.Addr().Zone() != "":
		return fmt.Errorf("%w %v: has a zone", ErrInvalidPrefix, pfx)
	case pfx.Addr().Is4In6():
		return fmt.Errorf("%w %v: IPv4-mapped IPv6; give the IPv4 prefix %v instead", ErrInvalidPrefix, pfx, poolUnmap(pfx))
	case pfx.Masked() != pfx:
		return fmt.Errorf("%w %v: host bits set (the prefix is %v)", ErrInvalidPrefix, pfx, pfx.Masked())
	}
	return nil
}

// poolUnmap returns the IPv4 prefix an IPv4-mapped IPv6 prefix stands
// for, or pfx itself if it has none (shorter than /96).
func poolUnmap(pfx netip.Prefix) netip.Prefix {
	if pfx.Bits() < 96 {
		return pfx
	}
	return netip.PrefixFrom(pfx.Addr().Unmap(), pfx.Bits()-96)
}

// Size returns the number of usable addresses.
func (p *Pool) Size() int { return p.size }

// Free returns the number of usable addresses not allocated.
func (p *Pool) Free() int { return p.size - p.used }

// Prefixes returns the pool's prefixes in the pool's order: IPv4 before
// IPv6, then by address.
func (p *Pool) Prefixes() []netip.Prefix {
	out := make([]netip.Prefix, len(p.ranges))
	for i := range p.ranges {
		out[i] = p.ranges[i].prefix
	}
	return out
}

// Contains reports whether addr is a usable address of the pool (IPv4
// network and broadcast addresses are not, outside /31 and /32).
func (p *Pool) Contains(addr netip.Addr) bool {
	_, r := p.lookup(addr)
	return r != nil
}

// IsAllocated reports whether addr is a usable address of the pool and is
// allocated.
func (p *Pool) IsAllocated(addr netip.Addr) bool {
	i, r := p.lookup(addr)
	return r != nil && p.bits.get(i)
}

// AllocateNext allocates and returns the next free address by the pool's
// next-fit policy (see Pool), or returns ErrPoolFull.
func (p *Pool) AllocateNext() (netip.Addr, error) {
	if p.used == p.size {
		return netip.Addr{}, ErrPoolFull
	}
	// findFree, with its common case, a free address in the cursor's
	// word, written out: this is the hot path.
	c := p.cursor
	var i int
	if w := ^p.bits.lv[0][c>>6] & (poolFull << (c & 63)); w != 0 {
		i = c&^63 | bits.TrailingZeros64(w)
	} else if i = p.bits.climb(c>>6 + 1); i < 0 {
		i = p.bits.findFree(0) // wrap around; not full, so found
	}
	if p.bits.claim(i) {
		p.bits.wordFull(i >> 6)
	}
	p.markAllocated(i, 1)
	r := p.rangeOf(i)
	r.used++
	if r.is4 {
		return r.addr4(i), nil // inlined
	}
	return r.addr6(i), nil
}

// markAllocated counts n addresses from i as allocated and moves the
// cursor past them.
func (p *Pool) markAllocated(i, n int) {
	p.used += n
	p.cursor = i + n
	if p.cursor == p.size {
		p.cursor = 0
	}
}

// Allocate allocates addr. It returns ErrOutOfRange if addr is not a usable
// address of the pool, ErrAllocated if it is already allocated.
func (p *Pool) Allocate(addr netip.Addr) error {
	i, r := p.lookup(addr)
	if r == nil {
		return ErrOutOfRange
	}
	if p.bits.get(i) {
		return ErrAllocated
	}
	if p.bits.claim(i) {
		p.bits.wordFull(i >> 6)
	}
	p.used++
	r.used++
	return nil
}

// Release frees addr. It returns ErrOutOfRange if addr is not a usable
// address of the pool, ErrNotAllocated if it is free.
func (p *Pool) Release(addr netip.Addr) error {
	i, r := p.lookup(addr)
	if r == nil {
		return ErrOutOfRange
	}
	if !p.bits.get(i) {
		return ErrNotAllocated
	}
	if p.bits.unclaim(i) {
		p.bits.wordOpen(i >> 6)
	}
	p.used--
	r.used--
	return nil
}

// Clone returns an independent copy of the pool, for trying out a change
// without committing to it.
func (p *Pool) Clone() *Pool {
	c := *p
	c.ranges = slices.Clone(p.ranges)
	c.bits = p.bits.clone()
	return &c
}

// comparePrefixes orders prefixes by family, then masked address, then
// length, as netip.Prefix.Compare does from Go 1.26 on (the machines build
// with Go 1.24): a prefix sorts before the prefixes inside it.
func comparePrefixes(a, b netip.Prefix) int {
	return cmp.Or(cmp.Compare(a.Addr().BitLen(), b.Addr().BitLen()),
		a.Masked().Addr().Compare(b.Masked().Addr()),
		cmp.Compare(a.Bits(), b.Bits()),
		a.Addr().Compare(b.Addr()))
}
