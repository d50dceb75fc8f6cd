package vip

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/meshstate/meshstate/internal/enum"
)

// Kind says what a Effect asks the announcer to do.
type Kind uint8

// The effect kinds. All are idempotent: advertising an advertised VIP,
// withdrawing a withdrawn one or committing twice is harmless.
const (
	// Advertise: announce the VIP (a BGP route, an ARP/NDP responder).
	// Report the outcome with Applied.
	Advertise Kind = iota + 1
	// Withdraw: stop announcing the VIP. Report the outcome with
	// Applied.
	Withdraw
	// Commit: commit the announcer's batch again, after a failed commit;
	// VIP is zero. Report the outcome with Applied.
	Commit
	// RetryAfter: after Delay, step a RetryDue of Retry and VIP.
	// A retry carries no decision: when it is due, the machine emits what
	// it wants by then.
	RetryAfter
)

var vipKindNames = [...]string{Advertise: "Advertise", Withdraw: "Withdraw", Commit: "Commit",
	RetryAfter: "RetryAfter"}

// String implements fmt.Stringer.
func (k Kind) String() string { return enum.Name(vipKindNames[:], k, "Kind") }

// MarshalText encodes k as its name.
func (k Kind) MarshalText() ([]byte, error) {
	return enum.Marshal(vipKindNames[:], k, "vip.Kind")
}

// UnmarshalText decodes a kind name.
func (k *Kind) UnmarshalText(b []byte) (err error) {
	*k, err = enum.Unmarshal[Kind](vipKindNames[:], b, "vip.Kind")
	return err
}

// Effect is an output of the Machine. Services justify it, as sorted
// "namespace/name" keys: for Advertise, the services using the VIP that
// have a usable endpoint; for Withdraw, the services still using the VIP,
// none of which has one (empty when none uses it any more). Services is
// shared with the machine and must not be modified. Retry and Delay are
// set for RetryAfter only, VIP for every kind but Commit and a
// RetryAfter of RetryCommit.
type Effect struct {
	// Kind says what the announcer is to do.
	Kind Kind `json:"type"`
	// VIP is the address to advertise, withdraw or retry; the zero Addr
	// for Commit and a RetryAfter of RetryCommit.
	VIP netip.Addr `json:"vip,omitzero"`
	// Services are the "namespace/name" keys that justify the effect,
	// sorted, for logs and events.
	Services []string `json:"services,omitempty"`
	// Retry says what a RetryAfter retries: RetryVIP or RetryCommit.
	Retry RetryKind `json:"retry,omitempty"`
	// Delay is how long the adapter waits before reporting RetryDue,
	// for RetryAfter.
	Delay time.Duration `json:"delay,omitempty"`
}

// String gives the kind, VIP and services, as scenario files write them.
func (e Effect) String() string {
	switch e.Kind {
	case Commit:
		return e.Kind.String()
	case RetryAfter:
		if e.Retry == RetryCommit {
			return fmt.Sprintf("%v %v %v", e.Kind, e.Retry, e.Delay)
		}
		return fmt.Sprintf("%v %v %v %v", e.Kind, e.Retry, e.VIP, e.Delay)
	}
	return fmt.Sprintf("%v %v %v", e.Kind, e.VIP, e.Services)
}
