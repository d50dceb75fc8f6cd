package vip

import (
	"errors"
	"fmt"
)

// Sentinel errors of the VIP machine; test with errors.Is, and use
// errors.As with *RejectedError for the details. A rejected event leaves
// the machine unchanged.
var (
	// ErrInvalidService: a malformed Service in a ServiceUpsert.
	ErrInvalidService = errors.New("vip: invalid service")
	// ErrInvalidSlice: a malformed EndpointSlice in a SliceUpsert, such as
	// one without the kubernetes.io/service-name label.
	ErrInvalidSlice = errors.New("vip: invalid endpoint slice")
	// ErrUnknownService: a ServiceDeleted names a Service the machine does
	// not hold.
	ErrUnknownService = errors.New("vip: unknown service")
	// ErrUnknownSlice: a SliceDeleted names a slice the machine does not hold.
	ErrUnknownSlice = errors.New("vip: unknown endpoint slice")
	// ErrUIDMismatch: a deletion names another incarnation than the
	// stored object's, one that is already gone.
	ErrUIDMismatch = errors.New("vip: UID does not match the stored object")
	// ErrInvalidEvent: a nil or foreign event.
	ErrInvalidEvent = errors.New("vip: invalid VIP event")
	// ErrInvalidConfig: New was given an unusable Config.
	ErrInvalidConfig = errors.New("vip: invalid VIP config")
	// ErrInvalidAddress: ServiceAddresses.VIPs skipped address values
	// that are not usable IPs (see *AddressError); the rest still count.
	ErrInvalidAddress = errors.New("vip: service address values skipped")
)

// RejectedError says why the VIP machine refused an event.
type RejectedError struct {
	// Object is "service" or "slice", if the event names one.
	Object string
	// Key is the object's namespace/name.
	Key string
	// Field names the offending field, if one is to blame.
	Field string
	// Reason says what is wrong, for a person.
	Reason string
	// Err is the sentinel: ErrInvalidService, ErrUnknownSlice, ...
	Err error
}

// Error implements error.
func (e *RejectedError) Error() string {
	msg := e.Err.Error()
	if e.Object != "" {
		msg += fmt.Sprintf(": %s %s", e.Object, e.Key)
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
