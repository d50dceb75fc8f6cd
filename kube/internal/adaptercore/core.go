// Package adaptercore is the runtime vipkube and mcskube share on top of
// internal/loop: the Run-once guard, the loop's construction, the Status
// they report (adapter.Status) and its guard, and the logging of
// rejected events, skipped objects and failed writes. Each adapter keeps
// a *Core in an unexported field; nothing of it is in their API.
package adaptercore

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"

	"github.com/meshstate/meshstate/kube/adapter"
	"github.com/meshstate/meshstate/kube/internal/informer"
	"github.com/meshstate/meshstate/kube/internal/loop"
)

// TimerSource is the informer.Item source of a fired retry timer.
const TimerSource = "retry"

// Core is what an adapter adds to internal/loop's runtime: its Status,
// the logging of failed writes, and the Run-once guard.
type Core struct {
	name    string
	log     logr.Logger
	report  *loop.Reporter
	status  status
	started atomic.Bool
}

// New returns the core of the adapter of package name (the prefix of the
// errors Run returns), logging to log and tracing events to trace, if
// set.
func New(name string, log logr.Logger, trace io.Writer) *Core {
	return &Core{name: name, log: log, report: loop.NewReporter(log, trace)}
}

// Run builds the adapter's loop over srcs and runs it until ctx is done:
// setup arms the adapter's retry timers on the loop's queue and returns
// their Stop, which runs after everything else has stopped; handle gets
// each item in queue order, then flush applies what the batch decided.
// A second call returns adapter.ErrStarted.
func (c *Core) Run(ctx context.Context, srcs []loop.Source, factories []loop.Factory, setup func(*informer.Queue) (stop func()),
	handle func(informer.Item), flush func(context.Context)) error {
	if !c.started.CompareAndSwap(false, true) {
		return fmt.Errorf("%s: %w", c.name, adapter.ErrStarted)
	}
	r, err := loop.New(loop.Config{Sources: srcs, Factories: factories, Log: c.log,
		OnWatchError: func(we *adapter.WatchError) { c.status.fail(we) }})
	if err != nil {
		return fmt.Errorf("%s: %w", c.name, err)
	}
	if err := r.OnStop(setup(r.Queue())); err != nil {
		return fmt.Errorf("%s: %w", c.name, err)
	}
	return r.Run(ctx, handle, flush)
}

// Status returns a snapshot of the adapter's progress.
func (c *Core) Status() adapter.Status { return c.status.get() }

// Record traces an event about to be stepped.
func (c *Core) Record(ev any) { c.report.Record(ev) }

// Stepped counts a stepped event and logs its rejection.
func (c *Core) Stepped(ev any, err error) {
	rejected := c.report.Rejected(ev, err)
	c.status.update(func(s *adapter.Status) {
		s.Events++
		if rejected {
			s.Rejected++
		}
	})
}

// Skip logs an object that could not be converted.
func (c *Core) Skip(it informer.Item, err error) {
	c.status.update(func(s *adapter.Status) { s.Skipped++ })
	c.report.Skipped(it, err)
}

// MarkSynced records the moment the machine started deciding, the first
// time synced is true.
func (c *Core) MarkSynced(synced bool) {
	if !synced {
		return
	}
	c.status.update(func(s *adapter.Status) {
		if !s.Synced {
			s.Synced, s.SyncedAt = true, time.Now()
		}
	})
}

// wrote logs a write's failure and keeps it in Status; the machine, told
// the outcome, decides the retry.
func (c *Core) wrote(we *adapter.WriteError) {
	c.log.Error(we, "write failed", "op", we.Op, "object", we.Object, "outcome", we.Outcome.String(), "class", we.Class.String())
	c.status.fail(we)
}

// ReportFailures logs and keeps a batch's failed writes, in the order of
// their operation and object so that Status.LastError does not depend on
// map order, empties failures, and keeps the count of pending retries.
func ReportFailures[K comparable](c *Core, failures map[K]*adapter.WriteError, pending int) {
	wes := slices.SortedFunc(maps.Values(failures), func(a, b *adapter.WriteError) int {
		return cmp.Or(strings.Compare(a.Op, b.Op), strings.Compare(a.Object, b.Object))
	})
	for _, we := range wes {
		c.wrote(we)
	}
	clear(failures)
	c.status.update(func(s *adapter.Status) { s.Retries = pending })
}

// SplitKey splits an informer key into namespace and name.
func SplitKey(key string) (namespace, name string) {
	if ns, name, ok := strings.Cut(key, "/"); ok {
		return ns, name
	}
	return "", key
}

// Malformed is the error of an object of the wrong type from source,
// wrapping adapter.ErrMalformed.
func Malformed(source string, obj any) error {
	return fmt.Errorf("%w: %s delivered a %T", adapter.ErrMalformed, source, obj)
}

// status guards a Status: the loop writes it, any goroutine reads it.
type status struct {
	mu sync.Mutex
	s  adapter.Status
}

func (st *status) get() adapter.Status {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.s
}

func (st *status) update(f func(*adapter.Status)) {
	st.mu.Lock()
	defer st.mu.Unlock()
	f(&st.s)
}

func (st *status) fail(err error) { st.update(func(s *adapter.Status) { s.LastError = err }) }
