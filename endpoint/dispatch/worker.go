package dispatch

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/meshstate/meshstate/endpoint"
	"github.com/meshstate/meshstate/retry"
)

// worker delivers one handler's queue, one notification at a time.
type worker struct {
	index   int
	handler endpoint.Handler
	retry   retry.Schedule
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
func (w *worker) deliver(ctx context.Context, n endpoint.Effect) bool {
	err := endpoint.Deliver(w.handler, n)
	if err == nil {
		return true
	}
	key := retryKey(w.index, n)
	for attempt := 0; ; attempt++ {
		retryIn := NoRetry
		// Retrying cannot teach the handler a kind that Deliver does not know.
		var unknown *endpoint.UnknownKindError
		if !errors.As(err, &unknown) {
			retryIn = w.retry.Delay(key, attempt)
		}
		if w.onError != nil {
			w.onError(w.index, n, err, retryIn)
		}
		if retryIn == NoRetry {
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

// retryKey is the key of the retry schedule's jitter for handler's
// retries of n: the handler's index, n's kind and its endpoint's name.
func retryKey(handler int, n endpoint.Effect) string {
	return strconv.Itoa(handler) + "/" + n.String()
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
