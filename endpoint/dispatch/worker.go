package dispatch

import (
	"context"
	"errors"
	"time"

	"github.com/cenkalti/backoff/v4"

	"github.com/meshstate/meshstate/endpoint"
)

// worker delivers one handler's queue, one notification at a time.
type worker struct {
	index   int
	handler endpoint.Handler
	backOff backoff.BackOff
	onError ErrorFunc
	queue   *queue
}

func (w *worker) run(ctx context.Context) {
	for ctx.Err() == nil {
		n, ok := w.queue.peek()
		if !ok {
			select {
			case <-ctx.Done():
			case <-w.queue.wake:
			}
			continue
		}
		if w.deliver(ctx, n) {
			w.queue.pop()
		}
	}
}

// deliver calls the handler until it accepts n or n is given up, and reports
// whether either happened; false means ctx was done first and n stays queued.
func (w *worker) deliver(ctx context.Context, n endpoint.Notification) bool {
	err := endpoint.Deliver(w.handler, n)
	if err == nil {
		return true
	}
	w.backOff.Reset()
	for {
		retryIn := backoff.Stop
		// Retrying cannot teach the handler a kind that Deliver does not know.
		if _, unknown := errors.AsType[*endpoint.UnknownKindError](err); !unknown {
			retryIn = w.backOff.NextBackOff()
		}
		if w.onError != nil {
			w.onError(w.index, n, err, retryIn)
		}
		if retryIn == backoff.Stop {
			return true
		}
		if !sleep(ctx, retryIn) {
			return false
		}
		if err = endpoint.Deliver(w.handler, n); err == nil {
			return true
		}
	}
}

// sleep waits for d or until ctx is done, and reports whether ctx is still
// live; a stopped worker must not call its handler again.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return ctx.Err() == nil
	}
}
