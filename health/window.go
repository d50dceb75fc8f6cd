package health

import (
	"math"
	"math/bits"
	"time"
)

// lost marks a lost result in the ring; replies hold their latency in ns.
const lost = -1

// window is a fixed ring of a prober's latest results with exact running
// sums of its replies. Its ring is allocated once, when the prober starts,
// so adding a result never allocates.
type window struct {
	ring     []int64 // latency ns, or lost; ring[(head+i)%len] is the i-th oldest
	head, n  int
	losses   int // lost results in the ring
	tail     int // consecutive losses at the newest end, at most len(ring)
	replies  int
	sum      int64  // of reply latencies; < MaxWindow*MaxRTT, no overflow
	sqHi     uint64 // 128-bit sum of squared latencies:
	sqLo     uint64 // exact, so the variance never drifts
	min, max int64
	// minN and maxN count the replies in the ring equal to min and to
	// max: an extreme goes stale only when the last of them leaves.
	minN, maxN int
	last       int64 // latest reply in the ring, if any
}

func newWindow(size int) window { return window{ring: make([]int64, size)} }

// reset empties w for a new prober, keeping the ring.
func (w *window) reset() { *w = window{ring: w.ring} }

// add appends one result, evicting the oldest if the ring is full.
func (w *window) add(v int64) {
	rescan := false
	if w.n == len(w.ring) {
		evicted := w.ring[w.head]
		w.ring[w.head] = v
		if w.head++; w.head == len(w.ring) {
			w.head = 0
		}
		w.count(evicted, -1)
		// Only the evicted sample's leaving can make an extreme stale,
		// and only if it was the last of its value.
		if evicted != lost {
			if evicted == w.min {
				w.minN--
			}
			if evicted == w.max {
				w.maxN--
			}
			rescan = w.minN == 0 || w.maxN == 0
		}
	} else {
		w.ring[(w.head+w.n)%len(w.ring)] = v
		w.n++
	}
	w.count(v, 1)
	if v == lost {
		w.tail = min(w.tail+1, len(w.ring))
	} else {
		w.tail, w.last = 0, v
	}
	switch {
	case w.replies == 0:
		w.min, w.max, w.last, w.minN, w.maxN = 0, 0, 0, 0, 0
	case rescan:
		w.rescan()
	case v == lost:
	case w.replies == 1:
		w.min, w.max, w.minN, w.maxN = v, v, 1, 1
	default:
		if v < w.min {
			w.min, w.minN = v, 1
		} else if v == w.min {
			w.minN++
		}
		if v > w.max {
			w.max, w.maxN = v, 1
		} else if v == w.max {
			w.maxN++
		}
	}
}

// count adds (sign 1) or removes (sign -1) one result from the counts and
// exact sums.
func (w *window) count(v int64, sign int) {
	if v == lost {
		w.losses += sign
		return
	}
	w.replies += sign
	hi, lo := bits.Mul64(uint64(v), uint64(v))
	var c uint64
	if sign > 0 {
		w.sum += v
		w.sqLo, c = bits.Add64(w.sqLo, lo, 0)
		w.sqHi += hi + c
	} else {
		w.sum -= v
		w.sqLo, c = bits.Sub64(w.sqLo, lo, 0)
		w.sqHi -= hi + c
	}
}

// rescan recomputes min and max, and how many replies equal each, over
// the ring: O(Window), only when the last reply of an extreme leaves it,
// which is only when the ring is full, so every slot holds a result and
// the order of the walk does not matter. There is at least one reply,
// and lost (-1) is the only negative value: it is the least as a signed
// value and, converted, the greatest unsigned one, so neither extreme
// picks it and the loops need no branch.
func (w *window) rescan() {
	lo, hi := uint64(math.MaxUint64), int64(lost)
	for _, v := range w.ring {
		lo, hi = min(lo, uint64(v)), max(hi, v)
	}
	w.min, w.max, w.minN, w.maxN = int64(lo), hi, 0, 0
	for _, v := range w.ring {
		w.minN += b2i(v == w.min)
		w.maxN += b2i(v == w.max)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// mean is the mean reply latency in ns, truncated; 0 without replies.
func (w *window) mean() int64 {
	if w.replies == 0 {
		return 0
	}
	return w.sum / int64(w.replies)
}

// stats computes the window's latency statistics. The variance is
// (n·Σx² − (Σx)²)/n², computed exactly in 128 bits (n ≤ 2¹⁰, x < 2⁴², so
// both terms stay below 2¹⁰⁴) and rounded once when converted to float64.
func (w *window) stats() LatencyStats {
	if w.replies == 0 {
		return LatencyStats{}
	}
	n := uint64(w.replies)
	aHi, aLo := mul128(w.sqHi, w.sqLo, n)
	sHi, sLo := bits.Mul64(uint64(w.sum), uint64(w.sum))
	dLo, b := bits.Sub64(aLo, sLo, 0)
	dHi, _ := bits.Sub64(aHi, sHi, b)
	variance := (float64(dHi)*(1<<64) + float64(dLo)) / float64(n*n)
	return LatencyStats{
		Samples: w.replies, Last: time.Duration(w.last),
		Min: time.Duration(w.min), Max: time.Duration(w.max),
		Mean: time.Duration(w.mean()), StdDev: time.Duration(math.Sqrt(variance)),
	}
}

// mul128 multiplies a 128-bit value by a small factor; the product fits.
func mul128(hi, lo, n uint64) (uint64, uint64) {
	h1, l := bits.Mul64(lo, n)
	return hi*n + h1, l
}
