package retry

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Schedule describes the delays before successive retries: Initial, then
// each one Multiplier times the last, up to Max, each spread by Jitter. Its
// zero value is invalid; start from DefaultSchedule or SlowSchedule.
type Schedule struct {
	// Initial is the delay before the first retry (attempt 0), before
	// jitter. It must be positive.
	Initial time.Duration
	// Max caps the delay before jitter; it must be at least Initial. With
	// jitter, no delay exceeds Max*(1+Jitter).
	Max time.Duration
	// Multiplier is the growth from one attempt to the next: at least 1,
	// and 1 keeps the delay fixed.
	Multiplier float64
	// Jitter spreads each delay d over [d*(1-Jitter), d*(1+Jitter)), so
	// that objects that failed together do not retry together. It lies in
	// [0, 1); 0 disables it.
	Jitter float64
}

// DefaultSchedule is for transient failures (lookup.Transient): 1s,
// doubling up to 5 minutes, ±20%. It reaches its cap after 9 retries, about
// 8.5 minutes of outage.
func DefaultSchedule() Schedule {
	return Schedule{Initial: time.Second, Max: 5 * time.Minute, Multiplier: 2, Jitter: 0.2}
}

// SlowSchedule is for failures that retrying soon will not cure
// (lookup.Permanent: forbidden, invalid): every 5 minutes, ±20%. It still
// retries, since an operator's fix (an RBAC rule, a corrected spec) is
// noticed only by trying again.
func SlowSchedule() Schedule {
	return Schedule{Initial: 5 * time.Minute, Max: 5 * time.Minute, Multiplier: 1, Jitter: 0.2}
}

// Defaults fills a zero *fast with DefaultSchedule and a zero *slow with
// SlowSchedule, as every machine's Config does for its Retry and
// SlowRetry, then validates both. On error, field names the one at fault:
// "retry" or "slowRetry".
func Defaults(fast, slow *Schedule) (field string, err error) {
	if *fast == (Schedule{}) {
		*fast = DefaultSchedule()
	}
	if *slow == (Schedule{}) {
		*slow = SlowSchedule()
	}
	if err := fast.Validate(); err != nil {
		return "retry", err
	}
	if err := slow.Validate(); err != nil {
		return "slowRetry", err
	}
	return "", nil
}

// ErrInvalidSchedule is wrapped by every error of Validate.
var ErrInvalidSchedule = errors.New("retry: invalid schedule")

// ScheduleError says which field of a Schedule is unusable and why.
type ScheduleError struct {
	Field string // "Initial", "Max", "Multiplier" or "Jitter"
	// Reason says what is wrong with it, for a person.
	Reason string
}

// Error says which field is unusable and why, after ErrInvalidSchedule's
// message.
func (e *ScheduleError) Error() string {
	return fmt.Sprintf("%v: %s: %s", ErrInvalidSchedule, e.Field, e.Reason)
}

// Unwrap returns ErrInvalidSchedule.
func (e *ScheduleError) Unwrap() error { return ErrInvalidSchedule }

// Validate returns a *ScheduleError for the first unusable field of s, or
// nil. NaN and infinite factors are unusable.
func (s Schedule) Validate() error {
	switch {
	case s.Initial <= 0:
		return &ScheduleError{"Initial", fmt.Sprintf("%v is not positive", s.Initial)}
	case s.Max < s.Initial:
		return &ScheduleError{"Max", fmt.Sprintf("%v is less than Initial %v", s.Max, s.Initial)}
	case !(s.Multiplier >= 1) || math.IsInf(s.Multiplier, 1):
		return &ScheduleError{"Multiplier", fmt.Sprintf("%v is not a finite number of at least 1", s.Multiplier)}
	case !(s.Jitter >= 0 && s.Jitter < 1):
		return &ScheduleError{"Jitter", fmt.Sprintf("%v is not in [0, 1)", s.Jitter)}
	}
	return nil
}
