package ipam

import (
	"errors"
	"fmt"
)

// Sentinel errors of the allocator machine; test with errors.Is, and use
// errors.As with *RejectedError for the details. A rejected event leaves the
// machine unchanged.
var (
	// ErrInvalidOwner: a malformed owner, want or recorded address.
	ErrInvalidOwner = errors.New("ipam: invalid owner")
	// ErrWantChanged: an owner asks for another number of addresses than
	// when first observed; recreate the object to change it.
	ErrWantChanged = errors.New("ipam: number of addresses changed")
	// ErrUnknownOwner: the event names an owner the machine does not hold.
	ErrUnknownOwner = errors.New("ipam: unknown owner")
	// ErrUIDMismatch: the event is for another incarnation of the owner.
	ErrUIDMismatch = errors.New("ipam: UID does not match the held owner")
	// ErrInvalidEvent: a nil or foreign event, or a malformed outcome.
	ErrInvalidEvent = errors.New("ipam: invalid event")
	// ErrInvalidConfig: New was given an unusable Config.
	ErrInvalidConfig = errors.New("ipam: invalid config")
)

// RejectedError says why the machine refused an event.
type RejectedError struct {
	// Owner is the owner the event names; the zero Owner when it names
	// none.
	Owner Owner
	// Field names the event or config field at fault, such as "uid" or
	// "want"; empty when the event as a whole is refused.
	Field string
	// Reason says what is wrong with it, for a person.
	Reason string
	// Err is the sentinel: ErrInvalidOwner, ErrWantChanged,
	// ErrUnknownOwner, ErrUIDMismatch, ErrInvalidEvent or
	// ErrInvalidConfig.
	Err error
	// told: the owner's conditions say it already (see Notice).
	told bool
}

// Error implements error.
func (e *RejectedError) Error() string {
	msg := e.Err.Error()
	if e.Owner.Name != "" {
		msg += fmt.Sprintf(": owner %s", e.Owner)
	}
	if e.Field != "" {
		msg += ": " + e.Field
	}
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	return msg
}

// Unwrap returns the wrapped error, for errors.Is and errors.As.
func (e *RejectedError) Unwrap() error { return e.Err }
