package retry

import (
	"math"
	"time"

	"github.com/cenkalti/backoff/v4"
)

// maxReplay bounds the replay of the backoff for one Delay. A schedule
// reaches Max, or stops growing, long before this unless its Multiplier is
// barely above 1; then attempts past maxReplay get the delay of attempt
// maxReplay, which is still within bounds.
const maxReplay = 1 << 12

// Delay returns how long to wait before retry number attempt (0 for the
// first retry after the first failure) of the work identified by key: the
// attempt-th interval of the schedule, spread by a jitter factor in
// [1-Jitter, 1+Jitter) drawn from a hash of key and attempt, and never
// more than Max*(1+Jitter). The same arguments always give the same delay;
// it is at least 1ns, never backoff.Stop. A negative attempt counts as 0.
//
// If s fails Validate, Delay uses DefaultSchedule: it has no error to
// return, and a machine validates its schedule when it is configured.
func (s Schedule) Delay(key string, attempt int) time.Duration {
	if s.Validate() != nil {
		s = DefaultSchedule()
	}
	attempt = max(attempt, 0)
	return s.jitter(s.interval(attempt), key, attempt)
}

// interval returns the attempt-th interval of s without jitter, computed by
// backoff.ExponentialBackOff. RandomizationFactor 0 makes it ignore the
// random number it draws; the frozen clock and MaxElapsedTime 0 keep it
// from ever returning Stop.
func (s Schedule) interval(attempt int) time.Duration {
	b := backoff.ExponentialBackOff{
		InitialInterval:     s.Initial,
		RandomizationFactor: 0,
		Multiplier:          s.Multiplier,
		MaxInterval:         s.Max,
		MaxElapsedTime:      0,
		Stop:                backoff.Stop,
		Clock:               frozenClock{},
	}
	b.Reset()
	d := b.NextBackOff()
	for i := 0; i < attempt && i < maxReplay && d < s.Max; i++ {
		next := b.NextBackOff()
		if next == d {
			break // each interval is a function of the last: a fixed point
		}
		d = next
	}
	return d
}

// jitter spreads d by a factor in [1-Jitter, 1+Jitter) taken from key and
// attempt, and keeps the result within [1ns, Max*(1+Jitter)].
func (s Schedule) jitter(d time.Duration, key string, attempt int) time.Duration {
	f := float64(d) * (1 - s.Jitter + 2*s.Jitter*unit(key, attempt))
	f = min(f, float64(s.Max)*(1+s.Jitter))
	if f >= math.MaxInt64 { // float64(MaxInt64) is 2^63, which overflows
		return math.MaxInt64
	}
	return max(time.Duration(f), 1)
}

// unit maps key and attempt to [0, 1): FNV-1a 64 over the key's bytes and
// the attempt's 8 little-endian bytes, then murmur3's finalizer, since
// FNV's low-entropy inputs (consecutive attempts) leave its high bits
// correlated. The top 53 bits make the float.
func unit(key string, attempt int) float64 {
	const (
		offset64 = 14695981039346656037
		prime64  = 1099511628211
	)
	h := uint64(offset64)
	for i := 0; i < len(key); i++ {
		h = (h ^ uint64(key[i])) * prime64
	}
	for a, i := uint64(attempt), 0; i < 8; i, a = i+1, a>>8 {
		h = (h ^ (a & 0xff)) * prime64
	}
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return float64(h>>11) / (1 << 53)
}

// frozenClock is the only clock backoff gets: elapsed time is always zero,
// so the interval depends on the attempt alone.
type frozenClock struct{}

// Now returns the zero time, always.
func (frozenClock) Now() time.Time { return time.Time{} }
