package health

import (
	"errors"
	"fmt"
)

// Sentinel errors of the health machine; test with errors.Is, and use
// errors.As with *RejectedError for the details. A rejected event leaves the
// machine unchanged.
var (
	// ErrInvalidEvent: a nil or foreign event, an unknown notification kind,
	// an endpoint without a name, or a malformed probe result.
	ErrInvalidEvent = errors.New("health: invalid event")
	// ErrInvalidConfig: New was given an unusable Config.
	ErrInvalidConfig = errors.New("health: invalid config")
)

// RejectedError says why the machine refused an event or New a config.
type RejectedError struct {
	// Endpoint is the endpoint's name, if the event names one.
	Endpoint string
	// Field names the config or event field at fault, such as "kind" or
	// "received"; empty when the event as a whole is refused.
	Field string
	// Reason says what is wrong with it, for a person.
	Reason string
	// Err is the sentinel: ErrInvalidEvent or ErrInvalidConfig.
	Err error
}

// Error implements error.
func (e *RejectedError) Error() string {
	msg := e.Err.Error()
	if e.Endpoint != "" {
		msg += fmt.Sprintf(": endpoint %s", e.Endpoint)
	}
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
