package routes

import (
	"fmt"
	"time"

	"github.com/meshstate/meshstate/internal/enum"
)

// Kind says what an Effect asks the adapter to do.
type Kind uint8

// The operation kinds. The four writes are reported back with Applied.
const (
	// ReplaceRoute: add Route, or replace the route with its key.
	ReplaceRoute Kind = iota + 1
	// DeleteRoute: delete Route (matched on all its fields, not only dst).
	DeleteRoute
	// AddRule: add Rule.
	AddRule
	// DeleteRule: delete Rule.
	DeleteRule
	// RetryAfter: after Delay, report RetryDue{Op: Retry-target}; Reason
	// says why the target failed.
	RetryAfter
	// Redump: the last dump was interrupted; dump again.
	Redump
	// Refuse: a remote subnet is not routed; Reason and Message say why.
	Refuse
)

var kindNames = [...]string{
	ReplaceRoute: "ReplaceRoute", DeleteRoute: "DeleteRoute", AddRule: "AddRule", DeleteRule: "DeleteRule",
	RetryAfter: "RetryAfter", Redump: "Redump", Refuse: "Refuse",
}

// String returns the kind's name.
func (k Kind) String() string { return enum.Name(kindNames[:], k, "Kind") }

// MarshalText encodes k as its name.
func (k Kind) MarshalText() ([]byte, error) { return enum.Marshal(kindNames[:], k, "routes.Kind") }

// UnmarshalText decodes a kind name.
func (k *Kind) UnmarshalText(b []byte) (err error) {
	*k, err = enum.Unmarshal[Kind](kindNames[:], b, "routes.Kind")
	return err
}

// IsWrite reports whether k changes the kernel.
func (k Kind) IsWrite() bool { return k >= ReplaceRoute && k <= DeleteRule }

// IsRoute reports whether k is about a route (else a rule).
func (k Kind) IsRoute() bool { return k == ReplaceRoute || k == DeleteRoute }

// Class is the adapter's classification of an operation's outcome.
type Class uint8

// The outcome classes.
const (
	// OK: the operation succeeded.
	OK Class = iota + 1
	// Transient: a failure worth retrying soon (ENOBUFS, EBUSY, EAGAIN).
	Transient
	// Unreachable: the gateway is not reachable (ENETUNREACH,
	// EHOSTUNREACH); retried, since the link may come up.
	Unreachable
	// Gone: the target was already absent (ESRCH, ENOENT on delete): as
	// good as success for a delete.
	Gone
	// Exists: the target already existed (EEXIST on rule add): as good as
	// success for an add.
	Exists
	// Permanent: retrying soon will not help (EINVAL, EPERM); retried
	// slowly, since an operator's fix is noticed only by trying.
	Permanent
)

var classNames = [...]string{OK: "OK", Transient: "Transient", Unreachable: "Unreachable",
	Gone: "Gone", Exists: "Exists", Permanent: "Permanent"}

// String returns the class's name.
func (c Class) String() string { return enum.Name(classNames[:], c, "Class") }

// MarshalText encodes c as its name.
func (c Class) MarshalText() ([]byte, error) { return enum.Marshal(classNames[:], c, "routes.Class") }

// UnmarshalText decodes a class name.
func (c *Class) UnmarshalText(b []byte) (err error) {
	*c, err = enum.Unmarshal[Class](classNames[:], b, "routes.Class")
	return err
}

// Reasons given by RetryAfter and Refuse operations.
const (
	ReasonGatewayUnreachable = "GatewayUnreachable"
	ReasonFailed             = "Failed"
	ReasonFailedPermanently  = "FailedPermanently"
	ReasonHijack             = "Hijack"
	ReasonConflict           = "Conflict"
)

// Effect is an output of the machine: an operation for the adapter to
// apply to the kernel, a retry to schedule, or a refusal to report. It is
// one struct rather than a type per kind so that a step returns its
// effects in one allocation; fields a kind does not use are zero.
type Effect struct {
	// Kind says what the adapter is to do, and which fields are used.
	Kind Kind `json:"type"`
	// Route is the route to replace or delete, or the route of a
	// RetryAfter or Refuse.
	Route Route `json:"route,omitzero"`
	// Rule is the rule to add or delete, or the rule of a RetryAfter.
	Rule Rule `json:"rule,omitzero"`
	// Retry is the write to retry, for RetryAfter (its Route or Rule is
	// the target's value when it failed).
	Retry Kind `json:"retry,omitempty"`
	// Delay is how long the adapter waits before reporting RetryDue,
	// for RetryAfter.
	Delay time.Duration `json:"delay,omitempty"`
	// Reason is a CamelCase word (the Reason* constants) saying why, for
	// RetryAfter and Refuse; suited to an Event's reason or a metric
	// label.
	Reason string `json:"reason,omitempty"`
	// Message says the same for a person, with the details.
	Message string `json:"message,omitempty"`
}

// Operation is the former name of Effect.
//
// Deprecated: use Effect, the name every machine gives its outputs.
type Operation = Effect

// String summarises the operation, as tests and logs write it.
func (o Effect) String() string {
	switch {
	case o.Kind.IsRoute():
		return o.Kind.String() + " " + o.Route.String()
	case o.Kind.IsWrite():
		return o.Kind.String() + " " + o.Rule.String()
	case o.Kind == RetryAfter:
		target := o.Rule.String()
		if o.Retry.IsRoute() {
			target = o.Route.String()
		}
		return fmt.Sprintf("RetryAfter %v %s %s: %s", o.Delay, o.Retry, target, o.Reason)
	case o.Kind == Refuse:
		return fmt.Sprintf("Refuse %s: %s: %s", o.Route.Dst, o.Reason, o.Message)
	}
	return o.Kind.String()
}
