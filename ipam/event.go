package ipam

import (
	"net/netip"
	"time"

	"github.com/meshstate/meshstate/internal/tagged"
	"github.com/meshstate/meshstate/lookup"
)

// Event is an input to the machine. The set is sealed; each event encodes
// to JSON with a "type" member (see UnmarshalEvent).
type Event interface{ isEvent() }

// Observed reports an owner as the informer sees it: added, updated or
// relisted, with what its status already records.
type Observed struct {
	// Owner is the observed object.
	Owner Owner `json:"owner"`
	// CreatedAt decides, during recovery, which of two owners whose
	// statuses record the same address keeps it: the older.
	CreatedAt time.Time `json:"createdAt,omitzero"`
	// Want is how many addresses the owner needs: 1 for an ingress IP, N
	// contiguous ones for an egress range. It never changes for an owner.
	Want int `json:"want"`
	// DependsOn marks owners whose address lives on in another object (the
	// internal Service of a global ingress IP), which the machine verifies.
	DependsOn bool `json:"dependsOn,omitempty"`
	// Status is what the owner's status records now: the machine
	// recovers the addresses it records before allocating anything.
	Status Status `json:"status"`
	// At is when the adapter saw it; the machine stamps the conditions it
	// sets in response with it (LastTransitionTime).
	At time.Time `json:"at,omitzero"`
}

// Deleted reports that an owner is gone. Its addresses are released.
type Deleted struct {
	// Owner is the deleted object; a UID that differs from the held
	// owner's is refused (ErrUIDMismatch).
	Owner Owner `json:"owner"`
	// At is when the adapter saw it; the machine stamps the conditions it
	// sets in response with it (LastTransitionTime).
	At time.Time `json:"at,omitzero"`
}

// Synced reports that the initial list of owners is complete. Before it the
// machine only reserves what statuses record; new addresses come after it.
type Synced struct {
	// At is when the adapter saw it; the machine stamps the conditions it
	// sets in response with it (LastTransitionTime).
	At time.Time `json:"at,omitzero"`
}

// LookupResult reports the outcome of looking up an owner's dependency,
// classified with lookup.Classify: Found, NotFound, or unknown (Transient
// or Permanent). Only NotFound is a confirmed absence.
type LookupResult struct {
	// Owner is the owner whose dependency was looked up, as in the
	// Lookup effect.
	Owner Owner `json:"owner"`
	// Class is the lookup's outcome, from lookup.Classify.
	Class lookup.Class `json:"class"`
	// Addresses are what a Found dependency carries (the internal
	// Service's external IPs). The machine checks them against what the
	// owner holds and has a dependency carrying others repaired; a Found
	// without addresses is a dependency carrying none.
	Addresses []netip.Addr `json:"addresses,omitempty"`
	// Message is the lookup's error for a person, if it failed; it
	// becomes the DependencyReady condition's message.
	Message string `json:"message,omitempty"`
	// At is when the adapter saw it; the machine stamps the conditions it
	// sets in response with it (LastTransitionTime).
	At time.Time `json:"at,omitzero"`
}

// Outcome is how applying an effect ended: lookup.WriteOutcome judges it
// from the write's error, the same way for every adapter.
type Outcome = lookup.Outcome

// Outcomes of an applied effect.
const (
	// Done: applied.
	Done = lookup.OutcomeDone
	// Conflict: optimistic concurrency; the object changed under the write.
	Conflict = lookup.OutcomeConflict
	// Failed: refused or never sent; Applied.Class says whether to retry
	// fast or slowly.
	Failed = lookup.OutcomeFailed
	// Unknown: the request was sent but its answer was lost (a reset or
	// a timeout after sending): it may or may not have been applied. The
	// machine neither counts it done nor takes it for failed; it asks
	// again when a retry is due, and an adapter bases that attempt on the
	// server's state, not on a cache the lost write may have outdated.
	Unknown = lookup.OutcomeUnknown
)

// Applied reports the outcome of a WriteStatus or EnsureDependency effect.
type Applied struct {
	// Owner is the effect's Owner.
	Owner Owner `json:"owner"`
	// Effect is the applied effect's Kind: WriteStatus or
	// EnsureDependency.
	Effect Kind `json:"effect"`
	// Outcome is how the write ended, as lookup.WriteOutcome judges it.
	Outcome Outcome `json:"outcome"`
	// Addresses are those the write carried: once it is Done the status,
	// or the dependency, records them, which may be older addresses than
	// the owner holds by then.
	Addresses []netip.Addr `json:"addresses,omitempty"`
	Class     lookup.Class `json:"class,omitempty"` // for Failed: Transient or Permanent
	// Message is the write's error for a person, if it did not succeed;
	// it becomes the message of the condition the machine sets.
	Message string `json:"message,omitempty"`
	// At is when the adapter saw it; the machine stamps the conditions it
	// sets in response with it (LastTransitionTime).
	At time.Time `json:"at,omitzero"`
}

// RetryDue reports that a retry the machine scheduled with a RetryAfter
// effect is due. It carries the owner and the kind to retry, never data:
// the machine decides from what it holds now, and a retry superseded by a
// newer effect of the same kind for the owner causes nothing.
type RetryDue struct {
	// Owner is the RetryAfter effect's Owner.
	Owner Owner `json:"owner"`
	// Kind is the RetryAfter effect's Retry: the kind of effect to retry.
	Kind Kind `json:"kind"`
	// At is when the adapter saw it; the machine stamps the conditions it
	// sets in response with it (LastTransitionTime).
	At time.Time `json:"at,omitzero"`
}

func (Observed) isEvent()     {}
func (RetryDue) isEvent()     {}
func (Deleted) isEvent()      {}
func (Synced) isEvent()       {}
func (LookupResult) isEvent() {}
func (Applied) isEvent()      {}

type (
	observedJSON     Observed
	deletedJSON      Deleted
	syncedJSON       Synced
	lookupResultJSON LookupResult
	appliedJSON      Applied
	retryDueJSON     RetryDue
)

// MarshalJSON encodes the event with "type": "Observed".
func (e Observed) MarshalJSON() ([]byte, error) { return tagged.Marshal("Observed", observedJSON(e)) }

// MarshalJSON encodes the event with "type": "Deleted".
func (e Deleted) MarshalJSON() ([]byte, error) { return tagged.Marshal("Deleted", deletedJSON(e)) }

// MarshalJSON encodes the event with "type": "Synced".
func (e Synced) MarshalJSON() ([]byte, error) { return tagged.Marshal("Synced", syncedJSON(e)) }

// MarshalJSON encodes the event with "type": "LookupResult".
func (e LookupResult) MarshalJSON() ([]byte, error) {
	return tagged.Marshal("LookupResult", lookupResultJSON(e))
}

// MarshalJSON encodes the event with "type": "Applied".
func (e Applied) MarshalJSON() ([]byte, error) { return tagged.Marshal("Applied", appliedJSON(e)) }

// MarshalJSON encodes the event with "type": "RetryDue".
func (e RetryDue) MarshalJSON() ([]byte, error) { return tagged.Marshal("RetryDue", retryDueJSON(e)) }

var eventDecoders = tagged.Decoders[Event]{
	"Observed":     tagged.As(func(e observedJSON) Event { return Observed(e) }),
	"Deleted":      tagged.As(func(e deletedJSON) Event { return Deleted(e) }),
	"Synced":       tagged.As(func(e syncedJSON) Event { return Synced(e) }),
	"LookupResult": tagged.As(func(e lookupResultJSON) Event { return LookupResult(e) }),
	"Applied":      tagged.As(func(e appliedJSON) Event { return Applied(e) }),
	"RetryDue":     tagged.As(func(e retryDueJSON) Event { return RetryDue(e) }),
}

// UnmarshalEvent decodes one event encoded by json.Marshal, such as a line
// of a recorded trace. The machine validates it when it steps.
func UnmarshalEvent(data []byte) (Event, error) { return eventDecoders.Decode(data) }
