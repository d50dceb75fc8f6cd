package ipam

import (
	"iter"
	"net/netip"
)

// PrefixStats counts the addresses of one prefix of a pool, for metrics.
type PrefixStats struct {
	// Prefix is one of the pool's prefixes, as given to NewPool.
	Prefix netip.Prefix
	Size   int // usable addresses
	// Free counts the usable addresses not allocated.
	Free int
	// Allocated counts the allocated addresses; Free+Allocated is Size.
	Allocated int
}

// Stats returns the counts of each prefix, in the order of Prefixes. It
// reads counters the pool keeps, so it is cheap enough for every scrape.
func (p *Pool) Stats() []PrefixStats {
	out := make([]PrefixStats, len(p.ranges))
	for i := range p.ranges {
		r := &p.ranges[i]
		out[i] = PrefixStats{Prefix: r.prefix, Size: r.n, Free: r.n - r.used, Allocated: r.used}
	}
	return out
}

// Allocated returns an iterator over the allocated addresses, in the
// pool's order (that of Prefixes, then by address). The pool must not
// change while the iteration runs.
func (p *Pool) Allocated() iter.Seq[netip.Addr] {
	return func(yield func(netip.Addr) bool) {
		for k := range p.ranges {
			r := &p.ranges[k]
			end := r.base + r.n
			for i := p.bits.nextSet(r.base, end); i < end; i = p.bits.nextSet(i+1, end) {
				if !yield(r.addr(i)) {
					return
				}
			}
		}
	}
}
