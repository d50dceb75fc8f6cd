package adapter

import (
	"errors"
	"fmt"
	"time"

	"github.com/meshstate/meshstate/lookup"
)

// Sentinel errors; test with errors.Is. The adapters wrap them with their
// own package name and the detail ("vipkube: adapter: invalid config: no
// Client").
var (
	// ErrInvalidConfig: a constructor was given an unusable config.
	ErrInvalidConfig = errors.New("adapter: invalid config")
	// ErrStarted: Run was called a second time. An adapter runs once.
	ErrStarted = errors.New("adapter: already started")
	// ErrMalformed: an informer delivered an object the adapter cannot
	// convert; it is logged and skipped.
	ErrMalformed = errors.New("adapter: malformed object")
)

// WatchError is a failed list or watch of one informer, classified. The
// informer retries by itself with backoff; a Permanent class (Forbidden,
// Unauthorized) keeps failing until an operator fixes RBAC.
type WatchError struct {
	// Source names the informer: "services", "endpointslices",
	// "serviceexports" or "serviceimports".
	Source string
	// Class is lookup.Classify's verdict on Err.
	Class lookup.Class
	// Err is the informer's error.
	Err error
}

// Error names the source, the class and the informer's error.
func (e *WatchError) Error() string {
	return fmt.Sprintf("adapter: watch %s (%v): %v", e.Source, e.Class, e.Err)
}

// Unwrap returns the informer's error.
func (e *WatchError) Unwrap() error { return e.Err }

// WriteError is a write that did not come back Done: its outcome as the
// machine was told it, and when the machine retries it.
type WriteError struct {
	// Op names the write: the VIP machine's effect ("Advertise",
	// "Withdraw", "Commit"), or the API verb of the export adapter
	// ("create", "update", "delete", "update status").
	Op string
	// Object is what was written: the VIP, or the namespace/name of the
	// object; empty for a Commit.
	Object string
	// Outcome is what the machine was told: Failed, Conflict, or Unknown
	// when the write may have landed.
	Outcome lookup.Outcome
	// Class is lookup.Classify's verdict, for a Failed outcome.
	Class lookup.Class
	// RetryIn is the delay of the machine's RetryAfter for this write; 0
	// if it scheduled none.
	RetryIn time.Duration
	// Err is the write's error.
	Err error
}

// Error names the write, its object and outcome, and when it is retried.
func (e *WriteError) Error() string {
	what := e.Outcome.String()
	if e.Outcome == lookup.OutcomeFailed {
		what = e.Class.String()
	}
	msg := fmt.Sprintf("adapter: %s %s (%s): %v", e.Op, e.Object, what, e.Err)
	if e.RetryIn > 0 {
		msg += fmt.Sprintf("; retrying in %v", e.RetryIn.Round(time.Millisecond))
	}
	return msg
}

// Unwrap returns the write's error.
func (e *WriteError) Unwrap() error { return e.Err }
