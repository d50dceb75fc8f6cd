package routes

import (
	"errors"
	"fmt"
	"net/netip"
)

// Sentinel errors; test with errors.Is, and use errors.As with
// *RejectedError or *RefusedError for the details. A rejected event
// leaves the machine unchanged.
var (
	// ErrInvalidConfig: New was given an unusable Config.
	ErrInvalidConfig = errors.New("routes: invalid config")
	// ErrInvalidEvent: a nil or foreign event, or a malformed field.
	ErrInvalidEvent = errors.New("routes: invalid event")
	// ErrHijack: a remote subnet overlaps a local pod or service CIDR, or
	// is a default route; it would capture local traffic.
	ErrHijack = errors.New("routes: route would hijack local traffic")
	// ErrConflict: two remotes claim the same subnet; the cluster whose
	// name sorts first keeps it.
	ErrConflict = errors.New("routes: subnet claimed by another remote")
)

// RejectedError says why the machine refused an event or a config.
type RejectedError struct {
	// Field names the config or event field at fault, such as "table";
	// empty when the event as a whole is refused.
	Field string
	// Reason says what is wrong with it, for a person.
	Reason string
	// Err is the sentinel: ErrInvalidConfig or ErrInvalidEvent.
	Err error
}

// Error says what was rejected and why.
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

// RefusedError says why one remote subnet is not routed. The rest of the
// Desired event is applied.
type RefusedError struct {
	// Cluster is the Remote.Cluster whose subnet is refused.
	Cluster string
	// Subnet is the refused subnet.
	Subnet netip.Prefix
	// Reason says why, for a person: the local CIDR it overlaps or the
	// cluster that keeps it.
	Reason string
	// Err is the sentinel: ErrHijack or ErrConflict.
	Err error
}

// Error names the cluster, the subnet and the reason.
func (e *RefusedError) Error() string {
	return fmt.Sprintf("%v: cluster %q subnet %s: %s", e.Err, e.Cluster, e.Subnet, e.Reason)
}

// Unwrap returns the sentinel.
func (e *RefusedError) Unwrap() error { return e.Err }
