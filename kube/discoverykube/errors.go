package discoverykube

import (
	"errors"
	"fmt"
	"time"

	"github.com/meshstate/meshstate/lookup"
)

// Sentinel errors; test with errors.Is.
var (
	// ErrInvalidConfig: a constructor was given an unusable config.
	ErrInvalidConfig = errors.New("discovery/kube: invalid config")
	// ErrStarted: Run was called a second time. An adapter runs once.
	ErrStarted = errors.New("discovery/kube: already started")
	// ErrMalformed: an informer delivered an object the adapter cannot
	// convert; it is logged and skipped.
	ErrMalformed = errors.New("discovery/kube: malformed object")
)

// WatchError is a failed list or watch of one informer, classified. The
// informer retries by itself with backoff; a Permanent class (Forbidden,
// Unauthorized) keeps failing until an operator fixes RBAC.
type WatchError struct {
	Source string // "services", "endpointslices", "serviceexports", "serviceimports"
	Class  lookup.Class
	Err    error
}

// Error names the source, the class and the informer's error.
func (e *WatchError) Error() string {
	return fmt.Sprintf("discovery/kube: watch %s (%v): %v", e.Source, e.Class, e.Err)
}

// Unwrap returns the informer's error.
func (e *WatchError) Unwrap() error { return e.Err }

// WriteError is a write that did not come back Done: its outcome as the
// machine was told it, and when the machine retries it.
type WriteError struct {
	Op      string // "Advertise", "Withdraw", "Commit", "create", "update", "delete", "update status"
	Object  string // the VIP, or namespace/name of the object written
	Outcome lookup.Outcome
	Class   lookup.Class  // for Failed
	RetryIn time.Duration // the delay of the machine's RetryAfter; 0 if it scheduled none
	Err     error
}

// Error names the write, its object and outcome, and when it is retried.
func (e *WriteError) Error() string {
	what := e.Outcome.String()
	if e.Outcome == lookup.OutcomeFailed {
		what = e.Class.String()
	}
	msg := fmt.Sprintf("discovery/kube: %s %s (%s): %v", e.Op, e.Object, what, e.Err)
	if e.RetryIn > 0 {
		msg += fmt.Sprintf("; retrying in %v", e.RetryIn.Round(time.Millisecond))
	}
	return msg
}

// Unwrap returns the write's error.
func (e *WriteError) Unwrap() error { return e.Err }
