package discovery

import (
	"fmt"
	"time"

	"github.com/meshstate/meshstate/internal/enum"
	"github.com/meshstate/meshstate/lookup"
	"github.com/meshstate/meshstate/retry"
)

// Outcome is how an adapter's attempt to apply a write ended, as reported
// in a VIPApplied or ExportApplied event.
type Outcome uint8

// The outcomes. Only Done says the write took effect, and only Failed and
// Conflict say it did not; Unknown says nothing either way.
const (
	// Done: the write took effect.
	Done Outcome = iota + 1
	// Conflict: the server refused the write because the adapter's copy
	// was stale (409). The informer will show the newer object.
	Conflict
	// Failed: the write was refused or never sent; the Class of the event
	// says whether retrying soon can help (Transient, NotFound) or not
	// (Permanent).
	Failed
	// Unknown: the request may have reached the server, but its answer was
	// lost (a connection reset or a timeout after sending). The write may
	// or may not have taken effect; only a later observation can tell.
	Unknown
)

var outcomeNames = [...]string{Done: "Done", Conflict: "Conflict", Failed: "Failed", Unknown: "Unknown"}

// String implements fmt.Stringer.
func (o Outcome) String() string { return enum.Name(outcomeNames[:], o, "Outcome") }

// MarshalText encodes o as its name.
func (o Outcome) MarshalText() ([]byte, error) {
	return enum.Marshal(outcomeNames[:], o, "discovery.Outcome")
}

// UnmarshalText decodes an outcome name.
func (o *Outcome) UnmarshalText(b []byte) (err error) {
	*o, err = enum.Unmarshal[Outcome](outcomeNames[:], b, "discovery.Outcome")
	return err
}

// RetryKind names what a retry is for. Together with its key (a VIP, or an
// export's namespace/name) it identifies one retry: a newer effect for the
// same key and kind supersedes it.
type RetryKind uint8

// The retry kinds: the first two are the VIP machine's, the others the
// export machine's.
const (
	// RetryVIP: a VIP's Advertise or Withdraw, whichever is wanted by then.
	RetryVIP RetryKind = iota + 1
	// RetryCommit: the Announcer's Commit (discovery/kube's Committer).
	RetryCommit
	// RetryImport: this cluster's ServiceImport for a service, written or
	// deleted as wanted by then.
	RetryImport
	// RetryConditions: an export's conditions.
	RetryConditions
)

var retryKindNames = [...]string{RetryVIP: "VIP", RetryCommit: "Commit", RetryImport: "Import",
	RetryConditions: "Conditions"}

// String implements fmt.Stringer.
func (k RetryKind) String() string { return enum.Name(retryKindNames[:], k, "RetryKind") }

// MarshalText encodes k as its name.
func (k RetryKind) MarshalText() ([]byte, error) {
	return enum.Marshal(retryKindNames[:], k, "discovery.RetryKind")
}

// UnmarshalText decodes a retry kind name.
func (k *RetryKind) UnmarshalText(b []byte) (err error) {
	*k, err = enum.Unmarshal[RetryKind](retryKindNames[:], b, "discovery.RetryKind")
	return err
}

// outcomeProblem says what is wrong with an outcome and its class, or "".
// A Failed write needs a class other than Found, so that the machine knows
// which schedule to retry on; the other outcomes carry no class.
func outcomeProblem(o Outcome, c lookup.Class) (field, reason string) {
	switch {
	case o < Done || o > Unknown:
		return "outcome", fmt.Sprintf("%v is not an outcome", o)
	case o == Failed && (!c.Valid() || c == lookup.Found):
		return "class", fmt.Sprintf("a Failed write needs a failure class, not %v", c)
	case o != Failed && c != 0:
		return "class", fmt.Sprintf("only a Failed write has a class, not a %v one", o)
	}
	return "", ""
}

// attempts are one key's retries: how many writes failed in a row, and
// whether a RetryAfter is pending, neither due yet nor superseded.
type attempts struct {
	failures int
	pending  bool
}

// schedules are a machine's retry schedules, validated, by failure class.
type schedules struct{ fast, slow retry.Schedule }

func newSchedules(fast, slow retry.Schedule) (schedules, error) {
	if fast == (retry.Schedule{}) {
		fast = retry.DefaultSchedule()
	}
	if slow == (retry.Schedule{}) {
		slow = retry.SlowSchedule()
	}
	if err := fast.Validate(); err != nil {
		return schedules{}, fmt.Errorf("retry: %w", err)
	}
	if err := slow.Validate(); err != nil {
		return schedules{}, fmt.Errorf("slowRetry: %w", err)
	}
	return schedules{fast, slow}, nil
}

// failed records a failure of b's write and returns the delay of the
// retry it now waits for. Only a Permanent failure waits on the slow
// schedule: an Unknown outcome, a conflict or a transient failure is
// cleared up by trying again soon, or by the observation that shows what
// the server holds. The jitter is keyed by key, so the same history
// always gives the same delays.
func (s schedules) failed(b *attempts, o Outcome, c lookup.Class, key string) time.Duration {
	sched := s.fast
	if o == Failed && c == lookup.Permanent {
		sched = s.slow
	}
	b.failures++
	b.pending = true
	return sched.Delay(key, b.failures-1)
}
