package loop

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/go-logr/logr"
	clientfeatures "k8s.io/client-go/features"
	"k8s.io/client-go/tools/cache"

	"github.com/meshstate/meshstate/kube/adapter"
	"github.com/meshstate/meshstate/kube/internal/informer"
)

// Errors of Runner.
var (
	// ErrInvalidConfig: New was given a Config it cannot run.
	ErrInvalidConfig = errors.New("loop: invalid config")
	// ErrStarted: Run was called a second time; a Runner runs once.
	ErrStarted = errors.New("loop: already started")
)

// Source is one informer an adapter watches, under the name its items
// carry (informer.Item.Source).
type Source struct {
	Name     string
	Informer cache.SharedIndexInformer
}

// Factory starts and stops informers: client-go's informer factories
// (typed, dynamic) and the MCS API's all are one.
type Factory interface {
	Start(stop <-chan struct{})
	Shutdown()
}

// Config configures a Runner.
type Config struct {
	// Sources are the informers whose items the loop handles; their
	// informers must come from Factories (or be started by one of them)
	// and must not have been started yet.
	Sources []Source
	// Factories are started once every source is wired, and shut down
	// when Run ends.
	Factories []Factory
	// Log receives the sources' list and watch failures; the zero Logger
	// discards.
	Log logr.Logger
	// OnWatchError, if set, is called (from an informer's goroutine) with
	// each list or watch failure that is not routine, after it is logged:
	// an adapter keeps it in its status.
	OnWatchError func(*adapter.WatchError)
	// QuietWatchErrors leaves the logging of those failures to
	// OnWatchError, for an adapter that logs each once rather than at
	// every retry; the loop still logs a routine end of a watch at V(1).
	QuietWatchErrors bool
}

// Runner is the one loop every Kubernetes adapter runs: its sources'
// items, the due timers and whatever other producers push, all on one
// queue, handled in order on one goroutine. Build it with New, add any
// goroutines and stop functions, then Run it once.
type Runner struct {
	cfg     Config
	log     logr.Logger
	q       *informer.Queue
	started atomic.Bool

	mu      sync.Mutex
	lastErr *adapter.WatchError
	workers []func(context.Context) error
	stops   []func()
}

// New validates cfg and returns a Runner with an empty queue.
func New(cfg Config) (*Runner, error) {
	seen := map[string]bool{}
	for i, s := range cfg.Sources {
		switch {
		case s.Name == "":
			return nil, fmt.Errorf("%w: source %d has no name", ErrInvalidConfig, i)
		case s.Informer == nil:
			return nil, fmt.Errorf("%w: source %q has no informer", ErrInvalidConfig, s.Name)
		case seen[s.Name]:
			return nil, fmt.Errorf("%w: two sources named %q", ErrInvalidConfig, s.Name)
		}
		seen[s.Name] = true
	}
	if len(cfg.Sources) > 0 && len(cfg.Factories) == 0 {
		return nil, fmt.Errorf("%w: sources but no factory to start them", ErrInvalidConfig)
	}
	return &Runner{cfg: cfg, log: cfg.Log, q: informer.NewQueue()}, nil
}

// Queue returns the loop's queue, for other producers: timers
// (NewTimers), worker goroutines reporting results, tests. Items pushed
// onto it are handled in order with the sources' items.
func (r *Runner) Queue() *informer.Queue { return r.q }

// Go runs f on its own goroutine for the whole of Run, with Run's context:
// workers that push their results onto the queue, a dispatcher. Run waits
// for it before it returns, and returns its error. f must return once its
// context is done. Calls after Run has started are ignored and reported
// as ErrStarted.
func (r *Runner) Go(f func(ctx context.Context) error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.started.Load() {
		return ErrStarted
	}
	r.workers = append(r.workers, f)
	return nil
}

// OnStop registers f to run when Run ends, after the informers, handlers
// and goroutines have stopped, in reverse order of registration: timers'
// Stop, say. Calls after Run has started are ignored and reported as
// ErrStarted.
func (r *Runner) OnStop(f func()) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.started.Load() {
		return ErrStarted
	}
	r.stops = append(r.stops, f)
	return nil
}

// Run wires every source to the queue (informer.Watch: items in order, a
// Synced marker after each initial list, a relist as one batch), sets the
// classified watch-error handlers, starts the goroutines and factories,
// and then, on the calling goroutine, takes everything pending from the
// queue, calls handle for each item in queue order and flush once per
// batch, until ctx is done. A source that fails or ends does not end it:
// Run ends only with its context. It then shuts the factories down, waits
// for the handlers and goroutines, runs the OnStop functions, and returns
// the goroutines' errors. handle and flush run on the calling goroutine
// only; flush may be nil. Run returns at once, with an error, only if it
// cannot wire a source (its informer was started already) or was run
// before.
func (r *Runner) Run(ctx context.Context, handle func(informer.Item), flush func(context.Context)) error {
	if handle == nil {
		return fmt.Errorf("%w: no handle func", ErrInvalidConfig)
	}
	r.mu.Lock()
	if !r.started.CompareAndSwap(false, true) {
		r.mu.Unlock()
		return ErrStarted
	}
	workers, stops := r.workers, r.stops
	r.mu.Unlock()

	ctx, cancel := context.WithCancel(ctx)
	var waits []func()
	var wg sync.WaitGroup
	errs := make([]error, len(workers))
	defer func() {
		cancel()
		for _, f := range r.cfg.Factories {
			f.Shutdown()
		}
		for _, wait := range waits {
			wait()
		}
		wg.Wait()
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}()
	if len(r.cfg.Sources) > 0 && !clientfeatures.FeatureGates().Enabled(clientfeatures.AtomicFIFO) {
		r.log.Info("client-go's AtomicFIFO feature is off: a relist reaches the store in parts, so its deletions may still come before some of its additions (see internal/loop)")
	}
	for _, s := range r.cfg.Sources {
		if err := s.Informer.SetWatchErrorHandlerWithContext(r.watchError(s.Name)); err != nil {
			return fmt.Errorf("loop: source %s: %w", s.Name, err)
		}
		wait, err := informer.Watch(ctx, s.Informer, s.Name, r.q)
		if err != nil {
			return err
		}
		waits = append(waits, wait)
	}
	for i, f := range workers {
		wg.Go(func() {
			errs[i] = f(ctx)
			if errs[i] != nil && ctx.Err() == nil {
				r.log.Error(errs[i], "goroutine ended early; the loop runs on until its context ends")
			}
		})
	}
	for _, f := range r.cfg.Factories {
		f.Start(ctx.Done())
	}
	r.loop(ctx, handle, flush)
	cancel()
	wg.Wait()
	return errors.Join(errs...)
}

// loop handles batches until ctx is done.
func (r *Runner) loop(ctx context.Context, handle func(informer.Item), flush func(context.Context)) {
	var items []informer.Item
	for {
		var err error
		if items, err = r.q.Next(ctx, items[:0]); err != nil {
			return // ctx is done
		}
		for _, it := range items {
			handle(it)
		}
		clear(items) // let the objects go
		if flush != nil {
			flush(ctx)
		}
	}
}
