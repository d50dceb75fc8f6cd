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
	Found     bool       `json:"found"`
	Interface cni.Choice `json:"interface,omitzero"`
	// Synced: a complete dump was fed since the current subscription
	// opened, so the view follows the kernel. SyncedAt is the last one.
	Synced   bool      `json:"synced"`
	SyncedAt time.Time `json:"syncedAt,omitzero"`
	// Pending: the machine asked for a relist at RetryAt (Attempts failed
	// searches since the last discovery).
	Pending  bool      `json:"pending,omitempty"`
	Attempts int       `json:"attempts,omitempty"`
	RetryAt  time.Time `json:"retryAt,omitzero"`
	// Reason and Message say why nothing is found ("" when found):
	// ReasonSyncing, or the machine's cni.ReasonNoInterface or
	// cni.ReasonNodeNotReady.
	Reason  string `json:"reason,omitempty"`
	Message string `json:"message,omitempty"`
	// Subscriptions counts the subscriptions opened (1 + reopenings).
	Subscriptions int `json:"subscriptions"`
	// Dumps counts complete dumps; InterruptedDumps the dumps the kernel
	// interrupted (NLM_F_DUMP_INTR), retried; FailedDumps other failures,
	// retried too.
	Dumps            int `json:"dumps"`
	InterruptedDumps int `json:"interruptedDumps,omitempty"`
	FailedDumps      int `json:"failedDumps,omitempty"`
	// Updates counts the link and address updates stepped.
	Updates uint64 `json:"updates"`
	// LastError is the last failure recovered from (a subscription ended
	// or overflowed, wrapping ErrSubscriptionEnded; a dump failed), at
	// LastErrorAt; it stays after the recovery.
	LastError   error     `json:"-"`
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
