package dispatch

import (
	"context"
	"fmt"
	"sync"

	"github.com/meshstate/meshstate/endpoint"
	"github.com/meshstate/meshstate/retry"
)

// Dispatcher delivers notifications to a fixed set of handlers, each from its
// own queue and goroutine. Its methods are safe for concurrent use.
type Dispatcher struct {
	workers []*worker

	// mu serializes Enqueue calls, so every handler sees the same sequence,
	// and guards the lifecycle below.
	mu      sync.Mutex
	started bool
	done    <-chan struct{} // Run's ctx.Done(); nil before Run
}

// New returns a dispatcher for handlers, which must be non-empty and contain
// no nil. The notifications a handler receives are identified to the
// ErrorFunc and by Pending by the handler's index in handlers.
func New(handlers []endpoint.Handler, opts ...Option) (*Dispatcher, error) {
	if len(handlers) == 0 {
		return nil, ErrNoHandlers
	}
	cfg := options{retry: retry.DefaultSchedule()}
	for i, opt := range opts {
		if opt == nil {
			return nil, fmt.Errorf("%w: option %d is nil", ErrInvalidOption, i)
		}
		opt(&cfg)
	}
	if err := cfg.retry.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidOption, err)
	}
	d := &Dispatcher{workers: make([]*worker, len(handlers))}
	for i, h := range handlers {
		if h == nil {
			return nil, fmt.Errorf("%w at index %d", ErrNilHandler, i)
		}
		d.workers[i] = &worker{index: i, handler: h, retry: cfg.retry, onError: cfg.onError, queue: newQueue()}
	}
	return d, nil
}

// Run delivers notifications until ctx is done, then waits for every handler
// goroutine to exit and returns nil. Handlers take no context: Run waits for
// a handler call in progress to return, so handlers should bound their own
// I/O, but a wait before a retry ends at once. A Dispatcher runs only once;
// another call returns ErrAlreadyRun. With controller-runtime, add it to a
// manager as manager.RunnableFunc(d.Run).
func (d *Dispatcher) Run(ctx context.Context) error {
	d.mu.Lock()
	if d.started {
		d.mu.Unlock()
		return ErrAlreadyRun
	}
	d.started, d.done = true, ctx.Done()
	d.mu.Unlock()

	var wg sync.WaitGroup
	wg.Add(len(d.workers))
	for _, w := range d.workers {
		go func() {
			defer wg.Done()
			w.run(ctx)
		}()
	}
	wg.Wait()
	return nil
}

// Enqueue appends ns, in order, to every handler's queue and returns at once;
// it never waits for a handler. Before Run the notifications wait for it.
// Once Run's context is done, Enqueue queues nothing and returns ErrStopped,
// so that a caller outliving the dispatcher learns its notifications are
// lost.
func (d *Dispatcher) Enqueue(ns ...endpoint.Effect) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	select {
	case <-d.done:
		return ErrStopped
	default:
	}
	if len(ns) == 0 {
		return nil
	}
	for _, w := range d.workers {
		w.queue.push(ns)
	}
	return nil
}

// Pending returns, for each handler in New's order, how many notifications it
// has not yet accepted, counting the one being delivered or waiting for its
// retry. A count that keeps growing marks a handler that keeps failing.
// After Run returns it counts the notifications that were abandoned.
func (d *Dispatcher) Pending() []int {
	out := make([]int, len(d.workers))
	for i, w := range d.workers {
		out[i] = w.queue.len()
	}
	return out
}
