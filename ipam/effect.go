package ipam

import (
	"fmt"
	"net/netip"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meshstate/meshstate/internal/enum"
)

// Kind says what an Effect asks the adapter to do.
type Kind uint8

// The effect kinds.
const (
	// WriteStatus: write Addresses into the owner's status (optimistic
	// concurrency; report the outcome with Applied).
	WriteStatus Kind = iota + 1
	// SetCondition: set Condition on the owner's status.
	SetCondition
	// EnsureDependency: create, or recreate, the owner's dependency (the
	// internal Service) with Addresses; report the outcome with Applied.
	EnsureDependency
	// Lookup: look the owner's dependency up and report a LookupResult.
	Lookup
	// RetryAfter: after Delay, report RetryDue{Owner, Retry}. It carries
	// no addresses: when it is due the machine decides what to do from
	// what it holds then. A newer RetryAfter for the same owner and kind
	// replaces it.
	RetryAfter
	// Release: Addresses went back to the pool.
	Release
	// Notify: tell the user of a decision, as a Kubernetes Event on the
	// owner (Notice); nothing to report back.
	Notify
)

var kindNames = [...]string{
	WriteStatus: "WriteStatus", SetCondition: "SetCondition", EnsureDependency: "EnsureDependency",
	Lookup: "Lookup", RetryAfter: "RetryAfter", Release: "Release", Notify: "Notify",
}

// String implements fmt.Stringer.
func (k Kind) String() string { return enum.Name(kindNames[:], k, "Kind") }

// MarshalText encodes k as its name.
func (k Kind) MarshalText() ([]byte, error) { return enum.Marshal(kindNames[:], k, "ipam.Kind") }

// UnmarshalText decodes a kind name.
func (k *Kind) UnmarshalText(b []byte) (err error) {
	*k, err = enum.Unmarshal[Kind](kindNames[:], b, "ipam.Kind")
	return err
}

// Effect is an output of the machine. It is one struct rather than a type
// per kind so that a step returns its effects in one allocation; fields a
// kind does not use are zero. Addresses are shared with the machine and must
// not be modified.
type Effect struct {
	// Kind says what the adapter is to do, and so which of the other
	// fields are set.
	Kind Kind `json:"type"`
	// Owner is the owner the effect is for; set for every kind.
	Owner Owner `json:"owner"`
	// Addresses are the addresses to write (WriteStatus), to give the
	// dependency (EnsureDependency), or released (Release).
	Addresses []netip.Addr `json:"addresses,omitempty"`
	// Condition is the condition to set on the owner's status, its
	// LastTransitionTime taken from the event's At (SetCondition).
	Condition metav1.Condition `json:"condition,omitzero"`
	// Delay is how long to wait before reporting RetryDue, from
	// Config.Retry or Config.SlowRetry (RetryAfter).
	Delay time.Duration `json:"delay,omitempty"`
	// Retry is the kind of effect to retry, WriteStatus, EnsureDependency
	// or Lookup; the RetryDue carries it back (RetryAfter).
	Retry Kind `json:"retry,omitempty"`
	// Notice is the decision to tell the user of (Notify).
	Notice Notice `json:"notice,omitzero"`
}

// String summarises the effect, as scenario files write it.
func (e Effect) String() string {
	s := e.Kind.String() + " " + e.Owner.String()
	switch e.Kind {
	case WriteStatus, EnsureDependency, Release:
		s += fmt.Sprint(" ", e.Addresses)
	case SetCondition:
		s += fmt.Sprintf(" %s=%s/%s", e.Condition.Type, e.Condition.Status, e.Condition.Reason)
	case RetryAfter:
		s += fmt.Sprintf(" %v %v", e.Retry, e.Delay)
	case Notify:
		typ := "Normal"
		if e.Notice.Warning {
			typ = "Warning"
		}
		s += fmt.Sprintf(" %s/%s", typ, e.Notice.Reason)
	}
	return s
}
