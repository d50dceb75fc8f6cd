package kube

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/tools/cache"

	"github.com/meshstate/meshstate/apis/v1alpha1"
	"github.com/meshstate/meshstate/endpoint"
	"github.com/meshstate/meshstate/endpoint/dispatch"
	"github.com/meshstate/meshstate/internal/informer"
	"github.com/meshstate/meshstate/internal/tracefile"
	"github.com/meshstate/meshstate/lookup"
)

// ErrInvalidConfig: New was given an incomplete Config.
var ErrInvalidConfig = errors.New("kube: invalid config")

// Config configures a Source.
type Config struct {
	// Client reads GatewayEndpoints.
	Client dynamic.Interface
	// Namespace holds the GatewayEndpoints; it is required, because the
	// machine knows endpoints by name.
	Namespace string
	// Machine configures the endpoint machine.
	Machine endpoint.Config
	// Handlers receive the notifications, each through its own queue.
	Handlers []endpoint.Handler
	// Dispatch options, such as dispatch.WithErrorFunc.
	Dispatch []dispatch.Option
	// Resync is the informer's resync period; zero means none. Resyncs
	// carry unchanged resource versions, which the machine skips cheaply.
	Resync time.Duration
	// Log receives skipped objects and rejected events; the zero Logger
	// discards.
	Log logr.Logger
	// Trace, if set, receives every event stepped, as JSON lines that
	// endpoint.UnmarshalEvent and the endpointtest kit replay.
	Trace io.Writer
}

// Source runs the informer, the machine and the dispatcher.
type Source struct {
	cfg      Config
	machine  *endpoint.Machine
	dispatch *dispatch.Dispatcher
	trace    *tracefile.Writer
	mu       sync.Mutex // guards machine and lastErr for the queries
	lastErr  *WatchError
}

// WatchError is a failure of the informer's list or watch, classified. The
// informer retries by itself with backoff; a Permanent class (Forbidden,
// Unauthorized) means it will keep failing until RBAC is fixed.
type WatchError struct {
	Class lookup.Class
	Err   error
}

// Error implements error.
func (e *WatchError) Error() string {
	return fmt.Sprintf("watch GatewayEndpoints (%v): %v", e.Class, e.Err)
}

// Unwrap returns the wrapped error, for errors.Is and errors.As.
func (e *WatchError) Unwrap() error { return e.Err }

// New validates cfg and returns a Source; Run starts it.
func New(cfg Config) (*Source, error) {
	switch {
	case cfg.Client == nil:
		return nil, fmt.Errorf("%w: no Client", ErrInvalidConfig)
	case cfg.Namespace == "":
		return nil, fmt.Errorf("%w: no Namespace", ErrInvalidConfig)
	}
	m, err := endpoint.New(cfg.Machine)
	if err != nil {
		return nil, err
	}
	d, err := dispatch.New(cfg.Handlers, cfg.Dispatch...)
	if err != nil {
		return nil, err
	}
	return &Source{cfg: cfg, machine: m, dispatch: d, trace: tracefile.New(cfg.Trace)}, nil
}

// Run watches GatewayEndpoints and delivers notifications until ctx is
// done, then returns once the informer, the loop and the dispatcher have
// stopped. A Source runs once.
func (s *Source) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	factory := dynamicinformer.NewFilteredDynamicSharedInformerFactory(s.cfg.Client, s.cfg.Resync, s.cfg.Namespace, nil)
	q := informer.NewQueue()
	inf := factory.ForResource(v1alpha1.GatewayEndpointResource).Informer()
	if err := inf.SetWatchErrorHandler(s.watchError); err != nil {
		return err
	}
	waitWatch, err := informer.Watch(ctx, inf, "gatewayendpoints", q)
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	errc := make(chan error, 1)
	wg.Go(func() { errc <- s.dispatch.Run(ctx) })
	factory.Start(ctx.Done())
	err = s.loop(ctx, q)
	cancel()
	factory.Shutdown()
	waitWatch()
	wg.Wait()
	if err != nil {
		return err
	}
	return <-errc
}

// loop steps the machine with each queued item and hands the notifications
// to the dispatcher, until ctx is done.
func (s *Source) loop(ctx context.Context, q *informer.Queue) error {
	var items []informer.Item
	var out []endpoint.Notification
	for {
		var err error
		if items, err = q.Next(ctx, items[:0]); err != nil {
			return nil // ctx done
		}
		out = out[:0]
		for _, it := range items {
			ev, err := event(it)
			if err != nil {
				s.cfg.Log.Error(err, "skipping object", "key", it.Key)
				continue
			}
			out = s.step(out, ev)
		}
		if len(out) > 0 {
			if err := s.dispatch.Enqueue(out...); err != nil {
				return err
			}
		}
	}
}

// step applies one event, tracing it; a rejection is logged.
func (s *Source) step(out []endpoint.Notification, ev endpoint.Event) []endpoint.Notification {
	if err := s.trace.Write(ev); err != nil {
		s.cfg.Log.Error(err, "trace write failed; tracing stopped")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out, err := s.machine.AppendStep(out, ev)
	if err != nil {
		s.cfg.Log.Error(err, "event rejected", "event", fmt.Sprintf("%T", ev))
	}
	return out
}

// event translates one informer item.
func event(it informer.Item) (endpoint.Event, error) {
	switch it.Op {
	case informer.Synced:
		return endpoint.Synced{}, nil
	case informer.Upsert:
		ep, err := decode(it.Obj)
		if err != nil {
			return nil, err
		}
		return endpoint.Upsert{Endpoint: ep}, nil
	case informer.Delete:
		// The delete carries the last known UID, so that a late delete of a
		// replaced incarnation cannot remove its successor. A tombstone
		// without an object is a delete by name.
		if ep, err := decode(it.Obj); err == nil {
			return endpoint.Delete{Name: ep.Name, UID: ep.UID}, nil
		}
		_, name, ok := strings.Cut(it.Key, "/")
		if !ok || name == "" {
			return nil, fmt.Errorf("%w: delete of %q", ErrMalformed, it.Key)
		}
		return endpoint.Delete{Name: name}, nil
	}
	return nil, fmt.Errorf("%w: item %v", ErrMalformed, it.Op)
}

// watchError records and logs a list or watch failure; the reflector
// retries with its own backoff, so a denied list is not a crash loop.
func (s *Source) watchError(_ *cache.Reflector, err error) {
	we := &WatchError{Class: lookup.Classify(err), Err: err}
	s.cfg.Log.Error(we, "list or watch failed; the informer retries with backoff", "class", we.Class.String())
	s.mu.Lock()
	s.lastErr = we
	s.mu.Unlock()
}

// LastWatchError returns the latest list or watch failure, or nil.
func (s *Source) LastWatchError() *WatchError {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastErr
}

// Active returns the active endpoint of a cluster, as the machine sees it.
func (s *Source) Active(clusterID string) (endpoint.Endpoint, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.machine.Active(clusterID)
}

// HasSynced reports whether the initial list has been stepped.
func (s *Source) HasSynced() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.machine.HasSynced()
}
