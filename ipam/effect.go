package ipam

import (
	"fmt"
	"net/netip"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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
	// RetryAfter: after Delay, do Retry again (Lookup, WriteStatus or
	// EnsureDependency, with Addresses).
	RetryAfter
	// Release: Addresses went back to the pool.
	Release
)

var kindNames = [...]string{
	WriteStatus: "WriteStatus", SetCondition: "SetCondition", EnsureDependency: "EnsureDependency",
	Lookup: "Lookup", RetryAfter: "RetryAfter", Release: "Release",
}

func (k Kind) String() string {
	if k >= WriteStatus && k <= Release {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// MarshalText encodes k as its name.
func (k Kind) MarshalText() ([]byte, error) {
	if k < WriteStatus || k > Release {
		return nil, fmt.Errorf("ipam: cannot marshal %v", k)
	}
	return []byte(kindNames[k]), nil
}

// UnmarshalText decodes a kind name.
func (k *Kind) UnmarshalText(b []byte) error {
	for i, name := range kindNames {
		if name != "" && name == string(b) {
			*k = Kind(i)
			return nil
		}
	}
	return fmt.Errorf("ipam: unknown effect kind %q", b)
}

var outcomeNames = [...]string{Done: "Done", Conflict: "Conflict", Failed: "Failed"}

func (o Outcome) String() string {
	if o >= Done && o <= Failed {
		return outcomeNames[o]
	}
	return fmt.Sprintf("Outcome(%d)", uint8(o))
}

// MarshalText encodes o as its name.
func (o Outcome) MarshalText() ([]byte, error) {
	if o < Done || o > Failed {
		return nil, fmt.Errorf("ipam: cannot marshal %v", o)
	}
	return []byte(outcomeNames[o]), nil
}

// UnmarshalText decodes an outcome name.
func (o *Outcome) UnmarshalText(b []byte) error {
	for i, name := range outcomeNames {
		if name != "" && name == string(b) {
			*o = Outcome(i)
			return nil
		}
	}
	return fmt.Errorf("ipam: unknown outcome %q", b)
}

// Effect is an output of the machine. It is one struct rather than a type
// per kind so that a step returns its effects in one allocation; fields a
// kind does not use are zero. Addresses are shared with the machine and must
// not be modified.
type Effect struct {
	Kind      Kind             `json:"type"`
	Owner     Owner            `json:"owner"`
	Addresses []netip.Addr     `json:"addresses,omitempty"`
	Condition metav1.Condition `json:"condition,omitzero"`
	Delay     time.Duration    `json:"delay,omitempty"`
	Retry     Kind             `json:"retry,omitempty"`
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
	}
	return s
}
