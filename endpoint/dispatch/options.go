package dispatch

import (
	"time"

	"github.com/meshstate/meshstate/endpoint"
	"github.com/meshstate/meshstate/retry"
)

// Option configures a Dispatcher; pass options to New.
type Option func(*options)

type options struct {
	retry   retry.Schedule
	onError ErrorFunc
}

// NoRetry is the retryIn an ErrorFunc is given when the dispatcher gives a
// notification up instead of retrying it. It is negative, so it is never a
// delay.
const NoRetry time.Duration = -1

// ErrorFunc observes a failed delivery, for logging and metrics. handler is
// the index of the handler in the slice given to New, n the notification and
// err the handler's error. retryIn is how long the dispatcher waits before
// delivering n to that handler again, as the retry schedule gives it, or
// NoRetry when it gives n up because n's kind is unknown (err is then an
// *endpoint.UnknownKindError): retrying cannot teach the handler a kind
// that endpoint.Deliver does not know.
//
// It runs on the failing handler's goroutine, so a slow ErrorFunc delays only
// that handler, and calls for different handlers may run concurrently.
type ErrorFunc func(handler int, n endpoint.Effect, err error, retryIn time.Duration)

// WithRetry sets the schedule of a handler's retries of a failed
// notification: after its k-th consecutive failure (k from 0) the
// notification is delivered again after s.Delay(key, k), where key names
// the handler's index and the notification (its kind and endpoint). The
// jitter thus spreads out handlers, and endpoints, that fail together,
// while the same failures always wait the same delays. The count starts
// again with each notification.
//
// The default is retry.DefaultSchedule. New refuses a schedule that fails
// retry.Schedule.Validate, with an error that wraps ErrInvalidOption and
// the *retry.ScheduleError.
//
// Whatever the schedule, the dispatcher never gives up on a notification
// of a known kind. That is deliberate: a dropped notification is an
// endpoint a handler never learns of (incident 000), and the failures stay
// visible through the ErrorFunc and Pending.
func WithRetry(s retry.Schedule) Option {
	return func(o *options) { o.retry = s }
}

// WithErrorFunc sets the function told of every failed delivery. A nil f
// reports nothing, which is the default.
func WithErrorFunc(f ErrorFunc) Option {
	return func(o *options) { o.onError = f }
}
