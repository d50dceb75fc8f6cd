package kernel

import (
	"fmt"
	"time"

	"github.com/meshstate/meshstate/cni"
)

// ReasonSyncing is Status.Reason while no complete dump has been fed since
// the current subscription opened (at start, after an overflow, while
// dumps keep being interrupted): the machine's view may be stale.
const ReasonSyncing = "Syncing"

// Status is a snapshot of a Watcher, safe to take while Run runs: what is
// found, what is pending, and why. It is a plain value; taking one costs
// O(1) in the number of links.
type Status struct {
	// Found says an interface is discovered; Interface is it.
	Found bool `json:"found"`
	// Interface is the discovered CNI interface; the zero Choice while
	// Found is false.
	Interface cni.Choice `json:"interface,omitzero"`
	// Synced: a complete dump was fed since the current subscription
	// opened, so the view follows the kernel.
	Synced bool `json:"synced"`
	// SyncedAt is when the last complete dump was fed; zero before the
	// first.
	SyncedAt time.Time `json:"syncedAt,omitzero"`
	// Pending: the machine asked for a relist, due at RetryAt.
	Pending bool `json:"pending,omitempty"`
	// Attempts counts the failed searches since the last discovery (the
	// machine's cni.Effect.Attempt); 0 once an interface is found.
	Attempts int `json:"attempts,omitempty"`
	// RetryAt is when the pending relist is due; zero when none is.
	RetryAt time.Time `json:"retryAt,omitzero"`
	// Reason says why nothing is found ("" when found): ReasonSyncing, or
	// the machine's cni.ReasonNoInterface or cni.ReasonNodeNotReady.
	Reason string `json:"reason,omitempty"`
	// Message explains Reason for a person: what the search waits for
	// and how many attempts failed; "" when found.
	Message string `json:"message,omitempty"`
	// Subscriptions counts the subscriptions opened (1 + reopenings).
	Subscriptions int `json:"subscriptions"`
	// Dumps counts complete dumps.
	Dumps int `json:"dumps"`
	// InterruptedDumps counts the dumps the kernel interrupted
	// (NLM_F_DUMP_INTR); each is retried.
	InterruptedDumps int `json:"interruptedDumps,omitempty"`
	// FailedDumps counts the dumps that failed otherwise; each is retried
	// too.
	FailedDumps int `json:"failedDumps,omitempty"`
	// Updates counts the link and address updates stepped.
	Updates uint64 `json:"updates"`
	// LastError is the last failure recovered from (a subscription ended
	// or overflowed, wrapping ErrSubscriptionEnded; a dump failed); it
	// stays after the recovery. Nil if there was none.
	LastError error `json:"-"`
	// LastErrorAt is when LastError happened; zero if there was none.
	LastErrorAt time.Time `json:"lastErrorAt,omitzero"`
}

// explain fills Reason and Message from the rest.
func (s *Status) explain(cidrs []string, waiting string) {
	switch {
	case s.Found:
		s.Reason, s.Message = "", ""
	case !s.Synced:
		s.Reason = ReasonSyncing
		s.Message = "waiting for a complete dump of links and addresses"
		if s.LastError != nil {
			s.Message += " after: " + s.LastError.Error()
		}
	default:
		s.Reason = cni.ReasonNoInterface
		if waiting != "" {
			s.Reason = waiting
		}
		s.Message = fmt.Sprintf("no link holds an address in %v after %d searches", cidrs, s.Attempts)
		if s.Pending {
			s.Message += "; relisting at " + s.RetryAt.Format(time.RFC3339Nano) + " or on the next change"
		}
	}
}
