package vip

import (
	"net/netip"

	"github.com/meshstate/meshstate/internal/tagged"
	"github.com/meshstate/meshstate/lookup"
)

// Event is an input to the Machine. The set is sealed; each event
// encodes to JSON with a "type" member (see UnmarshalEvent).
type Event interface{ isVIPEvent() }

// ServiceUpsert reports a Service added, updated or relisted. A UID other
// than the stored one is a new incarnation and replaces it.
type ServiceUpsert struct {
	// Service is the Service as the adapter converted it.
	Service Service `json:"service"`
}

// ServiceDeleted reports that a Service is gone. A non-empty UID must match
// the stored one.
type ServiceDeleted struct {
	// Namespace is the deleted Service's namespace.
	Namespace string `json:"namespace"`
	// Name is the deleted Service's name.
	Name string `json:"name"`
	// UID is the deleted Service's UID; empty means unknown
	// and matches any.
	UID string `json:"uid,omitempty"`
}

// SliceUpsert reports an EndpointSlice added, updated or relisted. It is
// kept whether or not its Service is known: dropping it is incident 004.
type SliceUpsert struct {
	// Slice is the EndpointSlice as the adapter converted it.
	Slice Slice `json:"slice"`
}

// SliceDeleted reports that an EndpointSlice is gone. A non-empty UID must
// match the stored one.
type SliceDeleted struct {
	// Namespace is the deleted EndpointSlice's namespace.
	Namespace string `json:"namespace"`
	// Name is the deleted EndpointSlice's name.
	Name string `json:"name"`
	// UID is the deleted EndpointSlice's UID; empty means unknown
	// and matches any.
	UID string `json:"uid,omitempty"`
}

// ServicesSynced reports that the Service informer's initial list is
// complete (HasSynced).
type ServicesSynced struct{}

// SlicesSynced reports that the EndpointSlice informer's initial list is
// complete (HasSynced).
type SlicesSynced struct{}

// Applied reports how applying an Advertise, Withdraw or Commit effect
// ended. Report every one, in the order the effects were applied: the
// machine retries what failed, or whose outcome is unknown, and forgets
// the retry once a later write of the same VIP is Done. An outcome of an
// effect that a newer decision for its VIP has overtaken changes nothing.
type Applied struct {
	// Effect is the applied effect's Kind: Advertise, Withdraw or
	// Commit.
	Effect Kind `json:"effect"`
	// VIP is the effect's VIP; the zero Addr for Commit.
	VIP netip.Addr `json:"vip,omitzero"`
	// Outcome is how the write ended: Done, Failed, or Unknown when the
	// answer was lost and the write may or may not have landed.
	Outcome Outcome `json:"outcome"`
	// Class is the failure's class (lookup.Classify), for Failed only:
	// Permanent retries on the slow schedule, anything else on the fast.
	Class lookup.Class `json:"class,omitempty"`
	// Message is the error's text, for logs and traces; empty on
	// success.
	Message string `json:"message,omitempty"`
}

// RetryDue reports that the delay of a RetryAfter effect has passed.
// It carries the retry's key and kind, never the decision: the machine
// emits what it wants for the VIP now (Advertise or Withdraw), or a
// Commit, and nothing if a newer effect or a Done outcome has superseded
// the retry since. A late or repeated RetryDue is harmless.
type RetryDue struct {
	// Kind is the RetryAfter's Retry: RetryVIP or RetryCommit.
	Kind RetryKind `json:"kind"`
	// VIP is the RetryAfter's VIP; the zero Addr for RetryCommit.
	VIP netip.Addr `json:"vip,omitzero"`
}

func (ServiceUpsert) isVIPEvent()  {}
func (ServiceDeleted) isVIPEvent() {}
func (SliceUpsert) isVIPEvent()    {}
func (SliceDeleted) isVIPEvent()   {}
func (ServicesSynced) isVIPEvent() {}
func (SlicesSynced) isVIPEvent()   {}
func (Applied) isVIPEvent()        {}
func (RetryDue) isVIPEvent()       {}

type (
	serviceUpsertJSON  ServiceUpsert
	serviceDeletedJSON ServiceDeleted
	sliceUpsertJSON    SliceUpsert
	sliceDeletedJSON   SliceDeleted
	servicesSyncedJSON ServicesSynced
	slicesSyncedJSON   SlicesSynced
	vipAppliedJSON     Applied
	vipRetryDueJSON    RetryDue
)

// MarshalJSON encodes the event with "type": "ServiceUpsert".
func (e ServiceUpsert) MarshalJSON() ([]byte, error) {
	return tagged.Marshal("ServiceUpsert", serviceUpsertJSON(e))
}

// MarshalJSON encodes the event with "type": "ServiceDeleted".
func (e ServiceDeleted) MarshalJSON() ([]byte, error) {
	return tagged.Marshal("ServiceDeleted", serviceDeletedJSON(e))
}

// MarshalJSON encodes the event with "type": "SliceUpsert".
func (e SliceUpsert) MarshalJSON() ([]byte, error) {
	return tagged.Marshal("SliceUpsert", sliceUpsertJSON(e))
}

// MarshalJSON encodes the event with "type": "SliceDeleted".
func (e SliceDeleted) MarshalJSON() ([]byte, error) {
	return tagged.Marshal("SliceDeleted", sliceDeletedJSON(e))
}

// MarshalJSON encodes the event with "type": "ServicesSynced".
func (e ServicesSynced) MarshalJSON() ([]byte, error) {
	return tagged.Marshal("ServicesSynced", servicesSyncedJSON(e))
}

// MarshalJSON encodes the event with "type": "SlicesSynced".
func (e SlicesSynced) MarshalJSON() ([]byte, error) {
	return tagged.Marshal("SlicesSynced", slicesSyncedJSON(e))
}

// MarshalJSON encodes the event with "type": "Applied".
func (e Applied) MarshalJSON() ([]byte, error) {
	return tagged.Marshal("Applied", vipAppliedJSON(e))
}

// MarshalJSON encodes the event with "type": "RetryDue".
func (e RetryDue) MarshalJSON() ([]byte, error) {
	return tagged.Marshal("RetryDue", vipRetryDueJSON(e))
}

var vipEventDecoders = tagged.Decoders[Event]{
	"ServiceUpsert":  tagged.As(func(e serviceUpsertJSON) Event { return ServiceUpsert(e) }),
	"ServiceDeleted": tagged.As(func(e serviceDeletedJSON) Event { return ServiceDeleted(e) }),
	"SliceUpsert":    tagged.As(func(e sliceUpsertJSON) Event { return SliceUpsert(e) }),
	"SliceDeleted":   tagged.As(func(e sliceDeletedJSON) Event { return SliceDeleted(e) }),
	"ServicesSynced": tagged.As(func(e servicesSyncedJSON) Event { return ServicesSynced(e) }),
	"SlicesSynced":   tagged.As(func(e slicesSyncedJSON) Event { return SlicesSynced(e) }),
	"Applied":        tagged.As(func(e vipAppliedJSON) Event { return Applied(e) }),
	"RetryDue":       tagged.As(func(e vipRetryDueJSON) Event { return RetryDue(e) }),
}

// UnmarshalEvent decodes one event encoded by json.Marshal, such as a
// line of a recorded trace. The machine validates it when it steps.
func UnmarshalEvent(data []byte) (Event, error) { return vipEventDecoders.Decode(data) }
