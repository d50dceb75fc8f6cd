package retry

import (
	"math"
	"testing"
	"time"

	"pgregory.net/rapid"
)

func TestIntervalDefault(t *testing.T) {
	want := []time.Duration{
		time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second,
		32 * time.Second, 64 * time.Second, 128 * time.Second, 256 * time.Second,
		5 * time.Minute, 5 * time.Minute,
	}
	s := DefaultSchedule()
	for i, w := range want {
		if got := s.interval(i); got != w {
			t.Errorf("interval(%d) = %v, want %v", i, got, w)
		}
	}
	for _, a := range []int{100, maxReplay, math.MaxInt} {
		if got := s.interval(a); got != s.Max {
			t.Errorf("interval(%d) = %v, want Max", a, got)
		}
	}
}

// A multiplier barely above 1 grows too slowly to reach Max in maxReplay
// steps; the replay stops there, within bounds, instead of running on.
func TestIntervalReplayCapped(t *testing.T) {
	s := Schedule{Initial: time.Second, Max: time.Hour, Multiplier: 1 + 1e-9, Jitter: 0}
	last := s.interval(maxReplay)
	if got := s.interval(math.MaxInt); got != last || got < s.Initial || got > s.Max {
		t.Errorf("interval(MaxInt) = %v, want interval(maxReplay) = %v", got, last)
	}
	// At 1ns the product truncates back to 1ns: a fixed point below Max.
	s = Schedule{Initial: 1, Max: time.Hour, Multiplier: 1.5, Jitter: 0}
	if got := s.interval(math.MaxInt); got != 1 {
		t.Errorf("interval(MaxInt) of a schedule stuck at 1ns = %v", got)
	}
}

// Intervals never shrink from one attempt to the next, start at Initial
// and stay within Max.
func TestIntervalMonotone(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := genSchedule(t)
		prev := time.Duration(0)
		for a := range 64 {
			d := s.interval(a)
			if a == 0 && d != s.Initial {
				t.Fatalf("%+v: interval(0) = %v, want Initial", s, d)
			}
			if d < prev || d > s.Max {
				t.Fatalf("%+v: interval(%d) = %v after %v, Max %v", s, a, d, prev, s.Max)
			}
			prev = d
		}
	})
}

func genSchedule(t *rapid.T) Schedule {
	initial := time.Duration(rapid.Int64Range(1, int64(time.Hour)).Draw(t, "initial"))
	return Schedule{
		Initial:    initial,
		Max:        initial + time.Duration(rapid.Int64Range(0, int64(24*time.Hour)).Draw(t, "extra")),
		Multiplier: rapid.Float64Range(1, 10).Draw(t, "multiplier"),
		Jitter:     rapid.Float64Range(0, 0.99).Draw(t, "jitter"),
	}
}
