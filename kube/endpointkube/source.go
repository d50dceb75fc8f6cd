package endpointkube

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

	"github.com/meshstate/meshstate/endpoint"
	"github.com/meshstate/meshstate/endpoint/dispatch"
	"github.com/meshstate/meshstate/kube/apis/v1alpha1"
	"github.com/meshstate/meshstate/kube/internal/informer"
	"github.com/meshstate/meshstate/kube/internal/loop"
	"github.com/meshstate/meshstate/lookup"
)

// ErrInvalidConfig: New was given an incomplete Config.
var ErrInvalidConfig = errors.New("endpointkube: invalid config")

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

// Source runs the informer, the machine and the dispatcher, on one
// internal/loop runtime.
type Source struct {
	cfg      Config
	machine  *endpoint.Machine
	dispatch *dispatch.Dispatcher
	runner   *loop.Runner
	report   *loop.Reporter
	mu       sync.Mutex // guards machine for the queries
	out      []endpoint.Effect
}

// WatchError is a failure of the informer's list or watch, classified. The
// informer retries by itself with backoff; a Permanent class (Forbidden,
// Unauthorized) means it will keep failing until RBAC is fixed.
type WatchError struct {
	// Class is lookup.Classify's verdict on Err: Permanent for 401 and
	// 403, Transient for outages.
	Class lookup.Class
	// Err is the list's or watch's error, as the informer reported it.
	Err error
}

// Error implements error.
func (e *WatchError) Error() string {
	return fmt.Sprintf("endpointkube: watch GatewayEndpoints (%v): %v", e.Class, e.Err)
}

// Unwrap returns the wrapped error, for errors.Is and errors.As.
func (e *WatchError) Unwrap() error { return e.Err }

// source is the name of the informer's items.
const source = "gatewayendpoints"

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
	factory := dynamicinformer.NewFilteredDynamicSharedInformerFactory(cfg.Client, cfg.Resync, cfg.Namespace, nil)
	runner, err := loop.New(loop.Config{
		Sources:   []loop.Source{{Name: source, Informer: factory.ForResource(v1alpha1.GatewayEndpointResource).Informer()}},
		Factories: []loop.Factory{factory},
		Log:       cfg.Log,
	})
	if err != nil {
		return nil, err
	}
	s := &Source{cfg: cfg, machine: m, dispatch: d, runner: runner, report: loop.NewReporter(cfg.Log, cfg.Trace)}
	if err := runner.Go(d.Run); err != nil {
		return nil, err
	}
	return s, nil
}

// Run watches GatewayEndpoints and delivers notifications until ctx is
// done, then returns once the informer, the loop and the dispatcher have
// stopped. A Source runs once.
func (s *Source) Run(ctx context.Context) error {
	return s.runner.Run(ctx, s.handle, s.flush)
}

// handle steps the machine with one item; an object that does not
// convert is skipped, and a rejected event logged.
func (s *Source) handle(it informer.Item) {
	ev, err := event(it)
	if err != nil {
		s.report.Skipped(it, err)
		return
	}
	s.report.Record(ev)
	s.mu.Lock()
	defer s.mu.Unlock()
	out, err := s.machine.AppendStep(s.out, ev)
	s.report.Rejected(ev, err)
	s.out = out
}

// flush hands a batch's notifications to the dispatcher, in order.
func (s *Source) flush(context.Context) {
	if len(s.out) == 0 {
		return
	}
	// Enqueue fails only once the dispatcher has stopped, with ctx.
	_ = s.dispatch.Enqueue(s.out...)
	clear(s.out)
	s.out = s.out[:0]
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

// LastWatchError returns the latest list or watch failure, or nil. A
// watch the server ended or let expire is routine (the informer rewatches
// or relists) and not reported.
func (s *Source) LastWatchError() *WatchError {
	we := s.runner.LastWatchError()
	if we == nil {
		return nil
	}
	return &WatchError{Class: we.Class, Err: we.Err}
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
