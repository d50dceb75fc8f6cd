package dispatch

import "errors"

// Sentinel errors; New wraps ErrNilHandler and ErrInvalidOption with
// details such as the offending index, so test with errors.Is.
var (
	// ErrNoHandlers: New was given no handlers. A dispatcher without handlers
	// would accept notifications and tell nobody.
	ErrNoHandlers = errors.New("dispatch: no handlers")
	// ErrNilHandler: a handler given to New is nil.
	ErrNilHandler = errors.New("dispatch: nil handler")
	// ErrInvalidOption: New was given a nil Option, or a retry schedule
	// that fails retry.Schedule.Validate; the error then wraps the
	// *retry.ScheduleError too.
	ErrInvalidOption = errors.New("dispatch: invalid option")
	// ErrAlreadyRun: Run was called on a dispatcher that had already been run.
	ErrAlreadyRun = errors.New("dispatch: Run called more than once")
	// ErrStopped: Enqueue was called after Run's context was done; the
	// notifications were not queued.
	ErrStopped = errors.New("dispatch: dispatcher stopped")
)
