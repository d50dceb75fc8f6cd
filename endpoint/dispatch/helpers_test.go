package dispatch_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/meshstate/meshstate/endpoint"
	"github.com/meshstate/meshstate/endpoint/dispatch"
)

// guard only turns a hang into a failure; nothing here should take a
// fraction of it, however loaded the machine.
const guard = time.Minute

var errBusy = errors.New("netlink: device or resource busy")

func note(k endpoint.Kind, name string) endpoint.Effect {
	return endpoint.Effect{Kind: k, Endpoint: endpoint.Endpoint{Name: name, ClusterID: "east"}}
}

func strs(ns []endpoint.Effect) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.String()
	}
	return out
}

// recorder records the notifications a handler accepts, as "Kind name", and
// closes done when it has accepted want of them.
type recorder struct {
	// fail, if set, decides whether to refuse a notification; it is set
	// before Run and called on the handler's goroutine only.
	fail func(n string) error

	mu   sync.Mutex
	got  []string
	want int
	done chan struct{}
}

func newRecorder(want int) *recorder { return &recorder{want: want, done: make(chan struct{})} }

func (r *recorder) accept(k endpoint.Kind, ep *endpoint.Endpoint) error {
	n := endpoint.Effect{Kind: k, Endpoint: *ep}.String()
	if r.fail != nil {
		if err := r.fail(n); err != nil {
			return err
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, n)
	if len(r.got) == r.want {
		close(r.done)
	}
	return nil
}

func (r *recorder) accepted() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.got...)
}

func (r *recorder) on(k endpoint.Kind) func(*endpoint.Endpoint) error {
	return func(ep *endpoint.Endpoint) error { return r.accept(k, ep) }
}

// all implements every handler interface.
func (r *recorder) all() endpoint.HandlerFuncs {
	return endpoint.HandlerFuncs{
		RemoteCreated:   r.on(endpoint.RemoteEndpointCreated),
		RemoteUpdated:   r.on(endpoint.RemoteEndpointUpdated),
		RemoteRemoved:   r.on(endpoint.RemoteEndpointRemoved),
		StaleRemoteGone: r.on(endpoint.StaleRemoteEndpointRemoved),
		LocalCreated:    r.on(endpoint.LocalEndpointCreated),
		LocalUpdated:    r.on(endpoint.LocalEndpointUpdated),
		LocalRemoved:    r.on(endpoint.LocalEndpointRemoved),
		StaleLocalGone:  r.on(endpoint.StaleLocalEndpointRemoved),
	}
}

// remoteOnly implements Handler only, as a route agent does.
type remoteOnly struct{ *recorder }

func (h remoteOnly) RemoteEndpointCreated(ep *endpoint.Endpoint) error {
	return h.accept(endpoint.RemoteEndpointCreated, ep)
}

func (h remoteOnly) RemoteEndpointUpdated(ep *endpoint.Endpoint) error {
	return h.accept(endpoint.RemoteEndpointUpdated, ep)
}

func (h remoteOnly) RemoteEndpointRemoved(ep *endpoint.Endpoint) error {
	return h.accept(endpoint.RemoteEndpointRemoved, ep)
}

// remoteAndStale implements Handler and StaleHandler, as a health checker does.
type remoteAndStale struct{ remoteOnly }

func (h remoteAndStale) StaleRemoteEndpointRemoved(ep *endpoint.Endpoint) error {
	return h.accept(endpoint.StaleRemoteEndpointRemoved, ep)
}

// report is one call of the ErrorFunc.
type report struct {
	Handler int
	N       string
	Err     error
	RetryIn time.Duration
}

// reports collects ErrorFunc calls and closes reached once it has seen n.
type reports struct {
	mu      sync.Mutex
	got     []report
	n       int
	reached chan struct{}
}

func newReports(n int) *reports { return &reports{n: n, reached: make(chan struct{})} }

func (r *reports) record(h int, n endpoint.Effect, err error, retryIn time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, report{h, n.String(), err, retryIn})
	if len(r.got) == r.n {
		close(r.reached)
	}
}

func (r *reports) all() []report {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]report(nil), r.got...)
}

// start runs d until the returned stop is called; stop waits for Run to
// return and fails the test if it returned an error.
func start(t *testing.T, d *dispatch.Dispatcher) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- d.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := wait(t, errc, "Run to return"); err != nil {
				t.Errorf("Run: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// wait receives from ch, failing the test if that takes longer than guard.
func wait[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(guard):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}
