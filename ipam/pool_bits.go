package ipam

import (
	"math/bits"
	"slices"
)

// poolBits is the pool's bitmap and its summary, a tree of four 64-way
// levels. Level 0 has one bit per usable address, 1 when it is allocated;
// each level above has one bit per word of the level below, 1 when that
// word is full. Bits past the end of a level are 1, so no search ever stops
// on them. Four levels cover PoolMaxSize addresses (2^24 bits, 2^18 words,
// 2^12 words, 64 words, and one word on top), and smaller pools keep all
// four, with a word or so in the upper ones, so that the hot paths are
// straight-line code over a fixed array.
//
// Allocated-is-1 at every level means a fresh pool is memory as the runtime
// hands it out, zeroed, and that one rule, "look for a 0", finds free space
// at any level: the lowest free address at or after any point is at most
// eight TrailingZeros64 calls away, however full the pool is.
type poolBits struct {
	n0 int // addresses: the meaningful bits of level 0
	lv [poolLevels][]uint64
}

const (
	poolLevels = 4
	poolFull   = ^uint64(0)
)

// poolNewBits returns the levels for n free addresses, 1 <= n <=
// PoolMaxSize.
func poolNewBits(n int) poolBits {
	b := poolBits{n0: n}
	for k := range b.lv {
		words := (n + 63) >> 6
		b.lv[k] = make([]uint64, words)
		n = words
	}
	b.padAll()
	return b
}

// pad sets the bits past the end of level k's last word.
func (b *poolBits) pad(k int) {
	n := b.n0
	if k > 0 {
		n = len(b.lv[k-1])
	}
	if r := n & 63; r != 0 && len(b.lv[k]) > 0 {
		b.lv[k][len(b.lv[k])-1] |= poolFull << r
	}
}

// get reports whether address i is allocated.
func (b *poolBits) get(i int) bool {
	return b.lv[0][i>>6]&(1<<(i&63)) != 0
}

// claim marks address i, which is free, allocated. Level 1 is updated
// without a branch on whether i's word filled up, which in a 99%-full pool
// is a coin toss the CPU would guess wrong half the time. When the level-1
// word fills up, rarely, claim reports spill and the caller must call
// wordFull(i>>6): claim leaves that call out so that it inlines into the
// hot paths.
func (b *poolBits) claim(i int) (spill bool) {
	l0, l1 := b.lv[0], b.lv[1]
	j := i >> 6
	w := l0[j] | 1<<(i&63)
	l0[j] = w
	var full uint64
	if w == poolFull {
		full = 1 // SETEQ, not a branch
	}
	s := l1[j>>6] | full<<(j&63)
	l1[j>>6] = s
	return s == poolFull
}

// unclaim marks address i, which is allocated, free. When i's level-1
// word was full, rarely, it reports spill and the caller must call
// wordOpen(i>>6).
func (b *poolBits) unclaim(i int) (spill bool) {
	l0, l1 := b.lv[0], b.lv[1]
	j := i >> 6
	l0[j] &^= 1 << (i & 63)
	s := l1[j>>6]
	l1[j>>6] = s &^ (1 << (j & 63))
	return s == poolFull
}

// wordFull records in levels 2 and 3 that word i of level 0 is full, its
// level-1 word having just filled up.
func (b *poolBits) wordFull(i int) {
	i >>= 6
	l2 := b.lv[2]
	w := l2[i>>6] | 1<<(i&63)
	if l2[i>>6] = w; w == poolFull {
		b.lv[3][0] |= 1 << (i >> 6 & 63)
	}
}

// wordOpen records in levels 2 and 3 that word i of level 0 has a free
// address, its level-1 word having been full until now.
func (b *poolBits) wordOpen(i int) {
	i >>= 6
	l2 := b.lv[2]
	w := l2[i>>6]
	if l2[i>>6] = w &^ (1 << (i & 63)); w == poolFull {
		b.lv[3][0] &^= 1 << (i >> 6 & 63)
	}
}

// findFree returns the lowest free address at or after from (from within
// the pool), or -1.
func (b *poolBits) findFree(from int) int {
	if w := ^b.lv[0][from>>6] & (poolFull << (from & 63)); w != 0 {
		return from&^63 | bits.TrailingZeros64(w)
	}
	return b.climb(from>>6 + 1)
}

// climb returns the lowest free address in word i of level 0 or after it,
// or -1: it climbs the levels until one has a non-full word to the right,
// and descends from there. Unrolled, since this is the hot path of a full
// pool.
func (b *poolBits) climb(i int) int {
	l0, l1, l2, l3 := b.lv[0], b.lv[1], b.lv[2], b.lv[3]
	j := i >> 6 // i: a word of level 0, a bit of level 1
	if j >= len(l1) {
		return -1
	}
	if w := ^l1[j] & (poolFull << (i & 63)); w != 0 {
		i = j<<6 | bits.TrailingZeros64(w)
		return i<<6 | bits.TrailingZeros64(^l0[i])
	}
	j++
	k := j >> 6 // j: a word of level 1, a bit of level 2
	if k >= len(l2) {
		return -1
	}
	if w := ^l2[k] & (poolFull << (j & 63)); w != 0 {
		j = k<<6 | bits.TrailingZeros64(w)
		i = j<<6 | bits.TrailingZeros64(^l1[j])
		return i<<6 | bits.TrailingZeros64(^l0[i])
	}
	// k: a word of level 2, a bit of level 3, which is one word; the mask
	// is 0 once k passes bit 63.
	k++
	if w := ^l3[0] & (poolFull << uint(k)); w != 0 {
		k = bits.TrailingZeros64(w)
		j = k<<6 | bits.TrailingZeros64(^l2[k])
		i = j<<6 | bits.TrailingZeros64(^l1[j])
		return i<<6 | bits.TrailingZeros64(^l0[i])
	}
	return -1
}

// bitsMask returns n ones (1 <= n <= 64-off) starting at bit off.
func bitsMask(off, n int) uint64 {
	if n == 64 {
		return poolFull
	}
	return (1<<n - 1) << off
}

// setRange marks addresses [i, i+n), all free, as allocated.
func (b *poolBits) setRange(i, n int) {
	l0 := b.lv[0]
	for n > 0 {
		wi, off := i>>6, i&63
		k := min(n, 64-off)
		w := l0[wi] | bitsMask(off, k)
		l0[wi] = w
		if w == poolFull {
			s := b.lv[1][wi>>6] | 1<<(wi&63)
			if b.lv[1][wi>>6] = s; s == poolFull {
				b.wordFull(wi)
			}
		}
		i, n = i+k, n-k
	}
}

// clearRange marks addresses [i, i+n), all allocated, as free.
func (b *poolBits) clearRange(i, n int) {
	l0 := b.lv[0]
	for n > 0 {
		wi, off := i>>6, i&63
		k := min(n, 64-off)
		w := l0[wi]
		l0[wi] = w &^ bitsMask(off, k)
		if w == poolFull {
			s := b.lv[1][wi>>6]
			if b.lv[1][wi>>6] = s &^ (1 << (wi & 63)); s == poolFull {
				b.wordOpen(wi)
			}
		}
		i, n = i+k, n-k
	}
}

// all reports whether every address of [i, i+n) is allocated (want
// true) or every one is free (want false).
func (b *poolBits) all(i, n int, want bool) bool {
	l0 := b.lv[0]
	for n > 0 {
		wi, off := i>>6, i&63
		k := min(n, 64-off)
		m := bitsMask(off, k)
		w := l0[wi] & m
		if want && w != m || !want && w != 0 {
			return false
		}
		i, n = i+k, n-k
	}
	return true
}

// count returns the number of allocated addresses in [lo, hi).
func (b *poolBits) count(lo, hi int) int {
	c := 0
	for lo < hi {
		wi, off := lo>>6, lo&63
		k := min(hi-lo, 64-off)
		c += bits.OnesCount64(b.lv[0][wi] & bitsMask(off, k))
		lo += k
	}
	return c
}

// nextSet returns the lowest allocated address in [from, hi), or hi.
func (b *poolBits) nextSet(from, hi int) int {
	for wi := from >> 6; wi<<6 < hi; wi++ {
		w := b.lv[0][wi]
		if wi == from>>6 {
			w &= poolFull << (from & 63)
		}
		if w != 0 {
			return min(wi<<6|bits.TrailingZeros64(w), hi)
		}
	}
	return hi
}

// findRun returns the lowest s with lo <= s < startLimit and s+n <= hi
// such that addresses [s, s+n) are all free, or -1. It walks level 0 a word
// at a time, carrying the free bits at the top of one word into the next,
// and finds runs inside a word with log2(n) shifts (bitsRuns).
func (b *poolBits) findRun(lo, startLimit, hi, n int) int {
	l0 := b.lv[0]
	run := 0 // free addresses just before the current word
	for wi := lo >> 6; wi<<6 < hi; wi++ {
		base := wi << 6
		if base-run >= startLimit {
			return -1
		}
		w := l0[wi]
		if base < lo {
			w |= 1<<(lo-base) - 1
		}
		if hi-base < 64 {
			w |= poolFull << (hi - base)
		}
		if run+bits.TrailingZeros64(w) >= n {
			return poolBelow(base-run, startLimit)
		}
		if w == 0 {
			run += 64
			continue
		}
		if n <= 64 {
			if y := bitsRuns(^w, n); y != 0 {
				return poolBelow(base+bits.TrailingZeros64(y), startLimit)
			}
		}
		run = bits.LeadingZeros64(w)
	}
	return -1
}

// poolBelow returns s if s < limit, else -1.
func poolBelow(s, limit int) int {
	if s < limit {
		return s
	}
	return -1
}

// bitsRuns returns the bits i of x such that bits i..i+n-1 of x are all
// set (runs that would continue past bit 63 do not count).
func bitsRuns(x uint64, n int) uint64 {
	// Invariant: bit i of x is set iff bits i..i+k-1 of the input were.
	for k := 1; k < n && x != 0; {
		s := min(k, n-k)
		x &= x >> s
		k += s
	}
	return x
}

// padAll pads every level.
func (b *poolBits) padAll() {
	for k := range b.lv {
		b.pad(k)
	}
}

// reset frees every address.
func (b *poolBits) reset() {
	for _, l := range b.lv {
		clear(l)
	}
	b.padAll()
}

// fill marks addresses [i, i+n) as allocated in level 0 alone, for
// rebuild to summarise.
func (b *poolBits) fill(i, n int) {
	for n > 0 {
		wi, off := i>>6, i&63
		k := min(n, 64-off)
		b.lv[0][wi] |= bitsMask(off, k)
		i, n = i+k, n-k
	}
}

// rebuild recomputes the summary levels from level 0.
func (b *poolBits) rebuild() {
	for k := 1; k < poolLevels; k++ {
		below, l := b.lv[k-1], b.lv[k]
		clear(l)
		for i, w := range below {
			if w == poolFull {
				l[i>>6] |= 1 << (i & 63)
			}
		}
		b.pad(k)
	}
}

// clone returns a deep copy.
func (b *poolBits) clone() poolBits {
	c := poolBits{n0: b.n0}
	for k, l := range b.lv {
		c.lv[k] = slices.Clone(l)
	}
	return c
}

// runs returns the number of runs of allocated addresses: the bits set
// whose lower neighbour is clear, counted a word at a time.
func (b *poolBits) runs() int {
	l0 := b.lv[0]
	c, carry := 0, uint64(0) // carry: the top bit of the previous word
	for wi, w := range l0 {
		if wi == len(l0)-1 {
			if r := b.n0 & 63; r != 0 {
				w &^= poolFull << r // padding is not a run
			}
		}
		c += bits.OnesCount64(w &^ (w<<1 | carry))
		carry = w >> 63
	}
	return c
}
