package retry_test

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/retry"
)

func TestSchedulesValid(t *testing.T) {
	for _, s := range []retry.Schedule{retry.DefaultSchedule(), retry.SlowSchedule()} {
		if err := s.Validate(); err != nil {
			t.Errorf("%+v: %v", s, err)
		}
	}
}

func TestValidate(t *testing.T) {
	ok := retry.DefaultSchedule()
	for _, tc := range []struct {
		field string
		edit  func(*retry.Schedule)
	}{
		{"Initial", func(s *retry.Schedule) { s.Initial = 0 }},
		{"Initial", func(s *retry.Schedule) { s.Initial = -time.Second }},
		{"Max", func(s *retry.Schedule) { s.Max = s.Initial - 1 }},
		{"Multiplier", func(s *retry.Schedule) { s.Multiplier = 0.5 }},
		{"Multiplier", func(s *retry.Schedule) { s.Multiplier = 0 }},
		{"Multiplier", func(s *retry.Schedule) { s.Multiplier = math.NaN() }},
		{"Multiplier", func(s *retry.Schedule) { s.Multiplier = math.Inf(1) }},
		{"Jitter", func(s *retry.Schedule) { s.Jitter = -0.1 }},
		{"Jitter", func(s *retry.Schedule) { s.Jitter = 1 }},
		{"Jitter", func(s *retry.Schedule) { s.Jitter = math.NaN() }},
	} {
		s := ok
		tc.edit(&s)
		err := s.Validate()
		var se *retry.ScheduleError
		if !errors.Is(err, retry.ErrInvalidSchedule) || !errors.As(err, &se) || se.Field != tc.field {
			t.Errorf("%+v: Validate() = %v, want a *ScheduleError for %s", s, err, tc.field)
		}
	}
	if err := (retry.Schedule{}).Validate(); !errors.Is(err, retry.ErrInvalidSchedule) {
		t.Errorf("the zero Schedule: Validate() = %v", err)
	}
	edge := retry.Schedule{Initial: 1, Max: 1, Multiplier: 1, Jitter: 0}
	if err := edge.Validate(); err != nil {
		t.Errorf("%+v: %v", edge, err)
	}
}

func TestDelayDefault(t *testing.T) {
	s := retry.DefaultSchedule()
	for a, base := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second} {
		d := s.Delay("ns/svc", a)
		if lo, hi := time.Duration(float64(base)*0.8), time.Duration(float64(base)*1.2); d < lo || d >= hi {
			t.Errorf("Delay(attempt %d) = %v, want [%v, %v)", a, d, lo, hi)
		}
	}
	for _, a := range []int{9, 50, math.MaxInt} {
		if d := s.Delay("ns/svc", a); d < 4*time.Minute || d > 6*time.Minute {
			t.Errorf("Delay(attempt %d) = %v, want 5min ± 20%%", a, d)
		}
	}
	if s.Delay("k", -5) != s.Delay("k", 0) {
		t.Error("a negative attempt differs from attempt 0")
	}
}

func TestDelaySlow(t *testing.T) {
	s := retry.SlowSchedule()
	for a := range 20 {
		if d := s.Delay("ns/svc", a); d < 4*time.Minute || d >= 6*time.Minute {
			t.Errorf("Delay(attempt %d) = %v, want 5min ± 20%%", a, d)
		}
	}
}

func TestDelayNoJitter(t *testing.T) {
	s := retry.Schedule{Initial: time.Second, Max: 10 * time.Second, Multiplier: 3}
	for a, want := range []time.Duration{time.Second, 3 * time.Second, 9 * time.Second, 10 * time.Second, 10 * time.Second} {
		if got := s.Delay("k", a); got != want {
			t.Errorf("Delay(%d) = %v, want %v", a, got, want)
		}
	}
}

// An invalid schedule does not make Delay fail or return nonsense.
func TestDelayInvalidSchedule(t *testing.T) {
	def := retry.DefaultSchedule()
	for _, s := range []retry.Schedule{{}, {Initial: -1, Max: -1, Multiplier: math.NaN(), Jitter: 5}} {
		for a := range 12 {
			if got, want := s.Delay("k", a), def.Delay("k", a); got != want {
				t.Errorf("%+v: Delay(%d) = %v, want DefaultSchedule's %v", s, a, got, want)
			}
		}
	}
}

// The extremes stay positive and do not overflow.
func TestDelayExtremes(t *testing.T) {
	tiny := retry.Schedule{Initial: 1, Max: 1, Multiplier: 1, Jitter: 0.99}
	for a := range 100 {
		if d := tiny.Delay(fmt.Sprint(a), a); d != 1 {
			t.Fatalf("Delay(%d) = %v, want 1ns", a, d)
		}
	}
	huge := retry.Schedule{Initial: time.Hour, Max: math.MaxInt64, Multiplier: 1e6, Jitter: 0.9}
	for a := range 100 {
		if d := huge.Delay(fmt.Sprint(a), a); d < time.Duration(float64(time.Hour)*0.1) {
			t.Fatalf("Delay(%d) = %v", a, d)
		}
	}
}

// Keys that fail together spread out: among 1,000 keys at one attempt,
// the delays are (nearly) all distinct and fill the jitter range.
func TestDelaySpread(t *testing.T) {
	s := retry.DefaultSchedule()
	for _, attempt := range []int{0, 3, 20} {
		seen := map[time.Duration]bool{}
		lo, hi := time.Duration(math.MaxInt64), time.Duration(0)
		var buckets [10]int
		for i := range 1000 {
			d := s.Delay(fmt.Sprintf("ns-%d/svc", i), attempt)
			seen[d] = true
			lo, hi = min(lo, d), max(hi, d)
			// Position within [0.8, 1.2) of the un-jittered interval.
			iv := float64(min(time.Second<<attempt, 5*time.Minute))
			pos := (float64(d)/iv - 0.8) / 0.4
			buckets[min(max(int(pos*10), 0), 9)]++
		}
		if len(seen) < 990 {
			t.Errorf("attempt %d: only %d distinct delays among 1000 keys", attempt, len(seen))
		}
		for i, n := range buckets {
			if n < 50 || n > 150 {
				t.Errorf("attempt %d: decile %d holds %d of 1000 delays (range %v..%v)", attempt, i, n, lo, hi)
			}
		}
	}
}

// Delay is a function of its arguments; its bounds hold for any valid
// schedule, key and attempt.
func TestDelayProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		initial := time.Duration(rapid.Int64Range(1, int64(time.Hour)).Draw(t, "initial"))
		s := retry.Schedule{
			Initial:    initial,
			Max:        initial + time.Duration(rapid.Int64Range(0, int64(24*time.Hour)).Draw(t, "extra")),
			Multiplier: rapid.Float64Range(1, 10).Draw(t, "multiplier"),
			Jitter:     rapid.Float64Range(0, 0.99).Draw(t, "jitter"),
		}
		key := rapid.String().Draw(t, "key")
		attempt := rapid.IntRange(-1, 200).Draw(t, "attempt")

		d := s.Delay(key, attempt)
		if d != s.Delay(key, attempt) {
			t.Fatal("two calls disagree")
		}
		ceiling := time.Duration(float64(s.Max) * (1 + s.Jitter))
		floor := max(time.Duration(float64(s.Initial)*(1-s.Jitter)), 1)
		if d < floor || d > ceiling {
			t.Fatalf("%+v: Delay(%q, %d) = %v, outside [%v, %v]", s, key, attempt, d, floor, ceiling)
		}
		noJitter := s
		noJitter.Jitter = 0
		base := noJitter.Delay(key, attempt)
		if lo, hi := float64(base)*(1-s.Jitter)-1, float64(base)*(1+s.Jitter)+1; float64(d) < lo || float64(d) > hi {
			t.Fatalf("%+v: Delay = %v, outside jitter bounds of %v", s, d, base)
		}
		if next := noJitter.Delay(key, attempt+1); next < base {
			t.Fatalf("%+v: un-jittered delay shrinks from %v to %v at attempt %d", s, base, next, attempt+1)
		}
	})
}

func BenchmarkDelay(b *testing.B) {
	s := retry.DefaultSchedule()
	for _, a := range []int{0, 8, 1000} {
		b.Run(fmt.Sprint("attempt=", a), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s.Delay("default/globalip-abc", a)
			}
		})
	}
}
