package cni

import (
	"errors"
	"fmt"
)

// Sentinel errors of the package; test with errors.Is, and use errors.As
// with *RejectedError for the details. A rejected event leaves the machine
// unchanged.
var (
	// ErrInvalidConfig: New was given an unusable Config (pod CIDRs
	// missing, malformed, unmasked or overlapping; a bad retry schedule).
	ErrInvalidConfig = errors.New("cni: invalid config")
	// ErrInvalidLink: a link with a non-positive index or a name the
	// kernel would not accept, or a snapshot listing an index or name twice.
	ErrInvalidLink = errors.New("cni: invalid link")
	// ErrInvalidAddress: an address that is not a valid prefix.
	ErrInvalidAddress = errors.New("cni: invalid address")
	// ErrInvalidEvent: a nil or foreign event.
	ErrInvalidEvent = errors.New("cni: invalid event")
)

// RejectedError says why the machine refused an event or New a Config.
type RejectedError struct {
	// Field names the config or event field at fault, such as "retry" or
	// "name"; empty when the event as a whole is refused.
	Field string
	// Reason says what is wrong with it, for a person.
	Reason string
	// Err is the sentinel: ErrInvalidConfig, ErrInvalidLink,
	// ErrInvalidAddress or ErrInvalidEvent.
	Err error
}

// Error implements error.
func (e *RejectedError) Error() string {
	msg := e.Err.Error()
	if e.Field != "" {
		msg += ": " + e.Field
	}
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	return msg
}

// Unwrap returns the sentinel.
func (e *RejectedError) Unwrap() error { return e.Err }

func rejectf(err error, field, format string, args ...any) error {
	return &RejectedError{Field: field, Reason: fmt.Sprintf(format, args...), Err: err}
}
