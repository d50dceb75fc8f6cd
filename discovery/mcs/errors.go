package mcs

import (
	"errors"
	"fmt"
)

// Sentinel errors of the export machine; test with errors.Is, and use
// errors.As with *RejectedError for the details. A rejected event
// leaves the machine unchanged.
var (
	// ErrInvalidExport: a malformed export or Service (name, type, ports).
	ErrInvalidExport = errors.New("mcs: invalid export")
	// ErrInvalidImport: a malformed import (name, owner, type, ports).
	ErrInvalidImport = errors.New("mcs: invalid import")
	// ErrUnknownExport: a deletion names an export the machine does not hold.
	ErrUnknownExport = errors.New("mcs: unknown export")
	// ErrUnknownImport: a deletion names an import the machine does not hold.
	ErrUnknownImport = errors.New("mcs: unknown import")
	// ErrInvalidEvent: a nil or foreign event.
	ErrInvalidEvent = errors.New("mcs: invalid export event")
	// ErrInvalidConfig: New was given an unusable config.
	ErrInvalidConfig = errors.New("mcs: invalid export config")
)

// RejectedError says why the export machine refused an event.
type RejectedError struct {
	// Namespace is the refused export's or import's namespace; empty
	// when the event names no object.
	Namespace string
	// Name is the refused export's or import's name (for an import, the
	// service's); empty when the event names no object.
	Name string
	// Owner is the refused import's source cluster; empty for exports.
	Owner string
	// Field names the offending field, such as "service.type"; empty
	// when no one field is to blame.
	Field string
	// Reason says what is wrong, for a person.
	Reason string
	// Err is the sentinel: ErrInvalidExport, ErrInvalidImport,
	// ErrUnknownExport, ...
	Err error
}

// Error implements error.
func (e *RejectedError) Error() string {
	msg := e.Err.Error()
	if e.Name != "" {
		msg += fmt.Sprintf(": %s/%s", e.Namespace, e.Name)
		if e.Owner != "" {
			msg += "@" + e.Owner
		}
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
