package endpoint

import (
	"errors"
	"fmt"
)

// Sentinel errors; the errors the machine returns wrap one of them, so test
// with errors.Is, and use errors.As with *RejectedError for the details.
var (
	// ErrInvalidEndpoint: a field of an upserted endpoint is malformed.
	ErrInvalidEndpoint = errors.New("endpoint: invalid endpoint")
	// ErrClusterChanged: an update moves a known name to another cluster.
	ErrClusterChanged = errors.New("endpoint: cluster ID changed under a known name")
	// ErrOrderChanged: an update moves an endpoint within its cluster's order,
	// for example by changing CreatedAt or Sequence.
	ErrOrderChanged = errors.New("endpoint: update changes the endpoint's place in the order")
	// ErrUnknownEndpoint: a deletion names an endpoint the machine does not hold.
	ErrUnknownEndpoint = errors.New("endpoint: unknown endpoint")
	// ErrUIDMismatch: a deletion names a UID other than the stored object's,
	// so it concerns an incarnation that is already gone.
	ErrUIDMismatch = errors.New("endpoint: UID does not match the stored endpoint")
	// ErrInvalidEvent: a nil or foreign event.
	ErrInvalidEvent = errors.New("endpoint: invalid event")
	// ErrInvalidConfig: New was given an unusable Config.
	ErrInvalidConfig = errors.New("endpoint: invalid config")
)

// RejectedError says why the machine refused an event. A rejected event
// leaves the machine's state unchanged.
type RejectedError struct {
	Name  string // the endpoint's name, if the event carries one
	Field string // the offending field, such as "subnets[1]", if one is to blame
	// Reason says what is wrong, for a person.
	Reason string
	Err    error // the sentinel: ErrInvalidEndpoint, ErrClusterChanged, ...
}

// Error implements error.
func (e *RejectedError) Error() string {
	msg := e.Err.Error()
	if e.Name != "" {
		msg += fmt.Sprintf(": %q", e.Name)
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

// UnknownKindError reports a notification of a kind this package does not define.
type UnknownKindError struct {
	// Kind is the undefined kind found in the notification.
	Kind Kind
}

// Error implements error.
func (e *UnknownKindError) Error() string {
	return fmt.Sprintf("endpoint: unknown notification kind %d", uint8(e.Kind))
}
