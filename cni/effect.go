package cni

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/meshstate/meshstate/internal/enum"
)

// Kind says what an Effect reports or asks for.
type Kind uint8

// The effect kinds.
const (
	// Discovered: Interface (Index) holding Address is the CNI interface,
	// new or changed since the last Discovered.
	Discovered Kind = iota + 1
	// Lost: the interface last discovered is gone, or holds no pod-CIDR
	// address any more; the machine searches again.
	Lost
	// RetryAfter: after Delay, list the links and addresses again and
	// report them as a Snapshot. Attempt counts the failed searches.
	RetryAfter
	// Waiting: the search has failed Attempt times and goes on; Reason and
	// Message say what it waits for (set it as a condition, log it).
	Waiting
)

var kindNames = [...]string{Discovered: "Discovered", Lost: "Lost", RetryAfter: "RetryAfter", Waiting: "Waiting"}

// String implements fmt.Stringer.
func (k Kind) String() string { return enum.Name(kindNames[:], k, "Kind") }

// MarshalText encodes k as its name.
func (k Kind) MarshalText() ([]byte, error) { return enum.Marshal(kindNames[:], k, "cni.Kind") }

// UnmarshalText decodes a kind name.
func (k *Kind) UnmarshalText(b []byte) (err error) {
	*k, err = enum.Unmarshal[Kind](kindNames[:], b, "cni.Kind")
	return err
}

// Reasons of a Waiting effect.
const (
	// ReasonNoInterface: no link holds an address in a pod CIDR.
	ReasonNoInterface = "NoInterface"
	// ReasonNodeNotReady: as ReasonNoInterface, and the node is not Ready
	// yet, so the CNI agent may still be starting.
	ReasonNodeNotReady = "NodeNotReady"
)

// Effect is an output of the machine: one struct rather than a type per
// kind, so a step returns its effects in one allocation; fields a kind does
// not use are zero.
type Effect struct {
	// Kind says what the effect reports or asks for, and so which of the
	// other fields are set.
	Kind Kind `json:"type"`
	// Interface is the link's name: the one discovered (Discovered) or the
	// one last discovered and now lost (Lost).
	Interface string `json:"interface,omitempty"`
	// Index is that link's ifindex (Discovered, Lost).
	Index int `json:"index,omitempty"`
	// Address is the discovered link's pod-CIDR address with its prefix
	// length (Discovered).
	Address netip.Prefix `json:"address,omitzero"`
	// Delay is how long to wait before relisting (RetryAfter), from the
	// Config's retry schedule; never zero for that kind.
	Delay time.Duration `json:"delay,omitempty"`
	// Attempt counts the failed searches since the interface was last
	// found, starting at 1 (RetryAfter, Waiting).
	Attempt int `json:"attempt,omitempty"`
	// Reason is a condition reason, ReasonNoInterface or
	// ReasonNodeNotReady (Waiting).
	Reason string `json:"reason,omitempty"`
	// Message says what the search waits for, for a person: the pod CIDRs
	// looked for, the attempts so far, and whether the node is Ready
	// (Waiting).
	Message string `json:"message,omitempty"`
}

// String summarises the effect, as scenario files write it.
func (e Effect) String() string {
	switch e.Kind {
	case Discovered:
		return fmt.Sprintf("Discovered %s#%d %s", e.Interface, e.Index, e.Address)
	case Lost:
		return fmt.Sprintf("Lost %s#%d", e.Interface, e.Index)
	case RetryAfter:
		return fmt.Sprintf("RetryAfter %v (attempt %d)", e.Delay, e.Attempt)
	case Waiting:
		return fmt.Sprintf("Waiting %s (attempt %d): %s", e.Reason, e.Attempt, e.Message)
	}
	return e.Kind.String()
}
