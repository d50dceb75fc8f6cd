// Package attempts keeps the retry bookkeeping the discovery machines
// share: per key, how many writes failed in a row and whether a retry is
// pending, and the schedule each failure waits on. It is pure, as the
// machines are.
package attempts

import (
	"fmt"
	"time"

	"github.com/meshstate/meshstate/lookup"
	"github.com/meshstate/meshstate/retry"
)

// Attempts are one key's retries: how many writes failed in a row, and
// whether a RetryAfter is pending, neither due yet nor superseded.
type Attempts struct {
	Failures int
	Pending  bool
}

// Schedules are a machine's retry schedules, validated.
type Schedules struct{ fast, slow retry.Schedule }

// NewSchedules validates fast and slow, filling a zero one with its
// default (retry.DefaultSchedule, retry.SlowSchedule). The errors name the
// configuration fields, Retry and SlowRetry.
func NewSchedules(fast, slow retry.Schedule) (Schedules, error) {
	if field, err := retry.Defaults(&fast, &slow); err != nil {
		return Schedules{}, fmt.Errorf("%s: %w", field, err)
	}
	return Schedules{fast, slow}, nil
}

// Failed records a failure of b's write and returns the delay of the
// retry it now waits for. Only a Permanent failure waits on the slow
// schedule: an unknown outcome, a conflict or a transient failure is
// cleared up by trying again soon, or by the observation that shows what
// the server holds. The jitter is keyed by key, so the same history
// always gives the same delays.
func (s Schedules) Failed(b *Attempts, o lookup.Outcome, c lookup.Class, key string) time.Duration {
	sched := s.fast
	if o == lookup.OutcomeFailed && c == lookup.Permanent {
		sched = s.slow
	}
	b.Failures++
	b.Pending = true
	return sched.Delay(key, b.Failures-1)
}

// Problem says what is wrong with an outcome and its class, or "". A
// failed write needs a class other than Found, so that the machine knows
// which schedule to retry on; the other outcomes carry no class.
func Problem(o lookup.Outcome, c lookup.Class) (field, reason string) {
	switch {
	case !o.Valid():
		return "outcome", fmt.Sprintf("%v is not an outcome", o)
	case o == lookup.OutcomeFailed && (!c.Valid() || c == lookup.Found):
		return "class", fmt.Sprintf("a Failed write needs a failure class, not %v", c)
	case o != lookup.OutcomeFailed && c != 0:
		return "class", fmt.Sprintf("only a Failed write has a class, not a %v one", o)
	}
	return "", ""
}
