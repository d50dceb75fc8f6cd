package mcs

import (
	"github.com/meshstate/meshstate/internal/enum"
	"github.com/meshstate/meshstate/lookup"
)

// Outcome is how an adapter's attempt to apply a write ended, as reported
// in an Applied event; lookup.WriteOutcome judges it from the write's
// error.
type Outcome = lookup.Outcome

// The outcomes. Only Done says the write took effect, and only Failed and
// Conflict say it did not; Unknown says nothing either way.
const (
	// Done: the write took effect.
	Done = lookup.OutcomeDone
	// Conflict: the server refused the write because the adapter's copy
	// was stale (409). The informer will show the newer object.
	Conflict = lookup.OutcomeConflict
	// Failed: the write was refused or never sent; the Class of the event
	// says whether retrying soon can help (Transient, NotFound) or not
	// (Permanent).
	Failed = lookup.OutcomeFailed
	// Unknown: the request may have reached the server, but its answer was
	// lost (a connection reset, a timeout or a server error after
	// sending). The write may or may not have taken effect; only a later
	// observation can tell.
	Unknown = lookup.OutcomeUnknown
)

// RetryKind names what a retry is for. Together with its key it
// identifies one retry: a newer effect for the same key and kind
// supersedes it.
type RetryKind uint8

// The retry kinds.
const (
	// RetryImport: this cluster's ServiceImport for a service, written or deleted as wanted by then.
	RetryImport RetryKind = iota + 1
	// RetryConditions: an export's conditions.
	RetryConditions
)

var retryKindNames = [...]string{RetryImport: "Import", RetryConditions: "Conditions"}

// String implements fmt.Stringer.
func (k RetryKind) String() string { return enum.Name(retryKindNames[:], k, "RetryKind") }

// MarshalText encodes k as its name.
func (k RetryKind) MarshalText() ([]byte, error) {
	return enum.Marshal(retryKindNames[:], k, "mcs.RetryKind")
}

// UnmarshalText decodes a retry kind name.
func (k *RetryKind) UnmarshalText(b []byte) (err error) {
	*k, err = enum.Unmarshal[RetryKind](retryKindNames[:], b, "mcs.RetryKind")
	return err
}
