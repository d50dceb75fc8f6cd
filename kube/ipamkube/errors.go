package ipamkube

import (
	"errors"
	"fmt"
	"time"

	"github.com/meshstate/meshstate/lookup"
)

// Sentinel errors of the adapter; test with errors.Is.
var (
	// ErrInvalidConfig: New was given an unusable Config. The error names
	// the field.
	ErrInvalidConfig = errors.New("ipamkube: invalid config")
	// ErrRunning: Run was called while a previous call has not returned.
	ErrRunning = errors.New("ipamkube: already running")
	// ErrLeadershipLost: Run returns it when the adapter stopped leading
	// without its context being done (the lease could not be renewed in
	// time). Start Run again to stand for election once more; the new
	// term recovers from the owners' statuses like a restart.
	ErrLeadershipLost = errors.New("ipamkube: leadership lost")
	// ErrForeignService: the internal Service's name is taken by a Service
	// the adapter does not own (it lacks the managed-by label). The
	// adapter never changes it; the lookup or ensure is reported as
	// lookup.Permanent and retried slowly.
	ErrForeignService = errors.New("ipamkube: internal Service name taken by a Service not managed by meshstate")
)

// APIError is a failed request to the API server, with its class. State
// reports the latest one; informer list and watch failures, which nothing
// else reports, show there.
type APIError struct {
	// Op says what the adapter was doing: "list/watch globalips",
	// "update status", "ensure service", "get service", "lease".
	Op string
	// Class is lookup.Classify's verdict: Permanent for 401 and 403,
	// Transient for outages, Conflict for 409.
	Class lookup.Class
	// At is when it happened, by the adapter's clock.
	At time.Time
	// Err is the request's error, as the client returned it.
	Err error
}

// Error says what failed, why, and its class.
func (e *APIError) Error() string {
	return fmt.Sprintf("ipamkube: %s: %v (%v)", e.Op, e.Err, e.Class)
}

// Unwrap returns the request's error, so that apierrors.IsForbidden and
// errors.Is see through it.
func (e *APIError) Unwrap() error { return e.Err }
