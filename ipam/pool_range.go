package ipam

import (
	"fmt"
	"net/netip"
)

// Runs of contiguous addresses, for egress ranges and the like. A run lies
// within one prefix: the addresses of two prefixes are not contiguous, even
// when the prefixes are adjacent, since an IPv4 prefix's network and
// broadcast addresses lie between them. Each method is all-or-nothing: on
// error the pool is unchanged.

// AllocateRange allocates n contiguous free usable addresses within one
// prefix and returns the first. It picks by the pool's next-fit policy: the
// run with the lowest first address at or after the cursor, wrapping
// around; the cursor moves just past the run. It returns ErrInvalidCount if
// n < 1, ErrPoolFull if no such run is free.
func (p *Pool) AllocateRange(n int) (netip.Addr, error) {
	if n < 1 {
		return netip.Addr{}, fmt.Errorf("%w: %d addresses asked for", ErrInvalidCount, n)
	}
	if n > p.Free() {
		return netip.Addr{}, fmt.Errorf("%w: %d contiguous addresses asked for, %d free", ErrPoolFull, n, p.Free())
	}
	s := p.findRun(n)
	if s < 0 {
		return netip.Addr{}, fmt.Errorf("%w: no %d contiguous free addresses within one prefix (%d free)", ErrPoolFull, n, p.Free())
	}
	p.bits.setRange(s, n)
	p.markAllocated(s, n)
	r := p.rangeOf(s)
	r.used += n
	return r.addr(s), nil
}

// findRun returns the index of the first address of the next-fit run of n
// free addresses, or -1. It looks in the cursor's prefix from the cursor
// on, then in the following prefixes, wrapping around, and last in the
// cursor's prefix before the cursor.
func (p *Pool) findRun(n int) int {
	c := p.cursor
	ci := 0
	for ci+1 < len(p.ranges) && p.ranges[ci+1].base <= c {
		ci++
	}
	for k := 0; k <= len(p.ranges); k++ {
		r := &p.ranges[(ci+k)%len(p.ranges)]
		lo, limit, hi := r.base, r.base+r.n, r.base+r.n
		switch k {
		case 0:
			lo = c
		case len(p.ranges):
			limit = c
		}
		if r.n-r.used < n || lo >= limit {
			continue
		}
		if s := p.bits.findRun(lo, limit, hi, n); s >= 0 {
			return s
		}
	}
	return -1
}

// AllocateRangeAt allocates the n contiguous addresses starting at first,
// as when a restarted controller takes back the egress range it had. It
// returns ErrInvalidCount if n < 1, ErrOutOfRange if first is not a usable
// address or the run crosses the end of first's prefix, ErrAllocated if
// any of the addresses is allocated. The cursor does not move.
func (p *Pool) AllocateRangeAt(first netip.Addr, n int) error {
	i, r, err := p.checkRun(first, n)
	if err != nil {
		return err
	}
	if !p.bits.all(i, n, false) {
		j := p.bits.nextSet(i, i+n)
		return fmt.Errorf("%w: %v, in the %d addresses from %v", ErrAllocated, r.addr(j), n, first)
	}
	p.bits.setRange(i, n)
	p.used += n
	r.used += n
	return nil
}

// ReleaseRange frees the n contiguous addresses starting at first. It
// returns ErrInvalidCount if n < 1, ErrOutOfRange if first is not a usable
// address or the run crosses the end of first's prefix, ErrNotAllocated if
// any of the addresses is free.
func (p *Pool) ReleaseRange(first netip.Addr, n int) error {
	i, r, err := p.checkRun(first, n)
	if err != nil {
		return err
	}
	if !p.bits.all(i, n, true) {
		j := p.bits.findFree(i)
		return fmt.Errorf("%w: %v, in the %d addresses from %v", ErrNotAllocated, r.addr(j), n, first)
	}
	p.bits.clearRange(i, n)
	p.used -= n
	r.used -= n
	return nil
}

// checkRun returns the index and range of the run of n addresses from
// first, or the error that refuses it.
func (p *Pool) checkRun(first netip.Addr, n int) (int, *poolRange, error) {
	if n < 1 {
		return 0, nil, fmt.Errorf("%w: %d addresses asked for", ErrInvalidCount, n)
	}
	i, r := p.lookup(first)
	if r == nil {
		return 0, nil, fmt.Errorf("%w: %v is not a usable address of the pool", ErrOutOfRange, first)
	}
	if left := r.base + r.n - i; n > left {
		return 0, nil, fmt.Errorf("%w: %d addresses from %v cross the end of %v, which has %d usable addresses from there",
			ErrOutOfRange, n, first, r.prefix, left)
	}
	return i, r, nil
}
