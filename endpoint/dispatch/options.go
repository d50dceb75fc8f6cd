package dispatch

import (
	"time"

	"github.com/cenkalti/backoff/v4"

	"github.com/meshstate/meshstate/endpoint"
)

// Option configures a Dispatcher; pass options to New.
type Option func(*options)

type options struct {
	newBackOff func() backoff.BackOff
	onError    ErrorFunc
}

// ErrorFunc observes a failed delivery, for logging and metrics. handler is
// the index of the handler in the slice given to New, n the notification and
// err the handler's error. retryIn is how long the dispatcher waits before
// delivering n to that handler again, or backoff.Stop when it gives n up:
// the BackOff returned Stop, or n's kind is unknown (err is then an
// *endpoint.UnknownKindError).
//
// It runs on the failing handler's goroutine, so a slow ErrorFunc delays only
// that handler, and calls for different handlers may run concurrently.
type ErrorFunc func(handler int, n endpoint.Notification, err error, retryIn time.Duration)

// WithBackOff sets how long a handler waits before a failed notification is
// delivered again. New calls newBackOff once per handler, so it must return a
// new BackOff each time; the dispatcher resets it when a notification first
// fails. The default is DefaultBackOff.
func WithBackOff(newBackOff func() backoff.BackOff) Option {
	return func(o *options) { o.newBackOff = newBackOff }
}

// WithErrorFunc sets the function told of every failed delivery. A nil f
// reports nothing, which is the default.
func WithErrorFunc(f ErrorFunc) Option {
	return func(o *options) { o.onError = f }
}

// DefaultBackOff returns the backoff a Dispatcher uses unless WithBackOff
// says otherwise: exponential from 100ms, doubling up to 30s, with ±50%
// jitter so that handlers failing together do not retry in lockstep, and no
// limit on the total time. Never giving up is deliberate: a dropped
// notification is an endpoint a handler never learns of (incident 000), and
// the errors stay visible through the ErrorFunc.
func DefaultBackOff() backoff.BackOff {
	return backoff.NewExponentialBackOff(
		backoff.WithInitialInterval(100*time.Millisecond),
		backoff.WithMultiplier(2),
		backoff.WithRandomizationFactor(0.5),
		backoff.WithMaxInterval(30*time.Second),
		backoff.WithMaxElapsedTime(0),
	)
}
