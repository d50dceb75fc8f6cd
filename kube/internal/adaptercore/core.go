// Package adaptercore is the runtime vipkube and mcskube share on top of
// internal/loop: the Run-once guard, the loop's construction, the Status
// they report (adapter.Status) and its guard, their metrics, and the
// logging of their lifecycle (start, caches synced, stop), list and watch
// failures, rejected events, skipped objects and failed writes. Each
// adapter keeps a *Core in an unexported field; nothing of it is in their
// API.
//
// List and watch failures are logged here, not by internal/loop: the
// loop logs each one as it comes, and a reflector retrying a Forbidden
// list (missing RBAC) or a NotFound one (a missing CRD) every few seconds
// would fill the log with the same line. The Core logs a failure once,
// with a hint if the adapter has one for it, then its repeats only at
// V(1), until the error changes or the source delivers again ("recovered",
// at default verbosity). The loop's own error lines are therefore dropped
// (its Error calls are its watch failures and the errors of goroutines
// started with Runner.Go, which the Core does not use); its other lines
// pass.
package adaptercore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/meshstate/meshstate/kube/adapter"
	"github.com/meshstate/meshstate/kube/internal/informer"
	"github.com/meshstate/meshstate/kube/internal/loop"
)

// TimerSource is the informer.Item source of a fired retry timer.
const TimerSource = "retry"

// Core is what an adapter adds to internal/loop's runtime: its Status,
// its metrics, the logging of its lifecycle and failures, and the
// Run-once guard.
type Core struct {
	name    string
	log     logr.Logger
	report  *loop.Reporter
	status  status
	started atomic.Bool
	began   time.Time // when Run started; written before the loop runs
	// hint, if set, returns advice for a list or watch failure ("install
	// the MCS CRDs: ..."), logged with its first occurrence; "" for none.
	hint func(*adapter.WatchError) string
	// failing is the last list or watch failure of each source, as a
	// key (watchKey), while it lasts; any marks it non-empty, so that
	// handling an item costs no lock when nothing fails.
	failMu  sync.Mutex
	failing map[string]string
	hinted  bool // a hint is logged once per adapter: it is about the cluster, not a source
	any     atomic.Bool
}

// New returns the core of the adapter of package name (the prefix of the
// errors Run returns), logging to log and tracing events to trace, if
// set.
func New(name string, log logr.Logger, trace io.Writer) *Core {
	return &Core{name: name, log: log, report: loop.NewReporter(log, trace),
		failing: map[string]string{}}
}

// SetHint sets the advice logged with the first list or watch failure it
// returns one for ("" for none), once per adapter. Call it before Run.
func (c *Core) SetHint(hint func(*adapter.WatchError) string) { c.hint = hint }

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
	r, err := loop.New(loop.Config{Sources: srcs, Factories: factories, Log: c.log, QuietWatchErrors: true,
		OnWatchError: c.watchFailed})
	if err != nil {
		return fmt.Errorf("%s: %w", c.name, err)
	}
	if err := r.OnStop(setup(r.Queue())); err != nil {
		return fmt.Errorf("%s: %w", c.name, err)
	}
	names := make([]string, len(srcs))
	for i, s := range srcs {
		names[i] = s.Name
	}
	c.began = time.Now()
	c.log.Info("adapter starting; it decides nothing until every source has delivered its initial list",
		"adapter", c.name, "sources", strings.Join(names, ","))
	err = r.Run(ctx, func(it informer.Item) {
		if c.any.Load() {
			c.delivered(it.Source)
		}
		handle(it)
	}, flush)
	c.log.Info("adapter stopped", "adapter", c.name)
	return err
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
// time synced is true, and logs it.
func (c *Core) MarkSynced(synced bool) {
	if !synced {
		return
	}
	first := false
	var st adapter.Status
	c.status.update(func(s *adapter.Status) {
		if !s.Synced {
			s.Synced, s.SyncedAt, first = true, time.Now(), true
			st = *s
		}
	})
	if first {
		c.log.Info("caches synced; the machine decides from now on", "adapter", c.name,
			"after", st.SyncedAt.Sub(c.began).Round(time.Millisecond).String(), "events", st.Events)
	}
}

// watchFailed keeps a list or watch failure in Status and counts it, and
// logs it if it is not a repeat of the source's last one: a reflector
// retries every few seconds, with the same error until someone fixes
// RBAC or installs a CRD. A repeat is logged at V(1).
func (c *Core) watchFailed(we *adapter.WatchError) {
	c.status.fail(we)
	c.status.countWatch(we.Source, we.Class.String())
	key := watchKey(we)
	c.failMu.Lock()
	repeat := c.failing[we.Source] == key
	c.failing[we.Source] = key
	c.any.Store(true)
	hint := ""
	if !repeat && c.hint != nil && !c.hinted {
		hint = c.hint(we)
		c.hinted = hint != ""
	}
	c.failMu.Unlock()
	if repeat {
		c.log.V(1).Info("list or watch failed again", "adapter", c.name, "source", we.Source, "error", we.Err.Error())
		return
	}
	kv := []any{"adapter", c.name, "source", we.Source, "class", we.Class.String()}
	if hint != "" {
		kv = append(kv, "hint", hint)
	}
	c.log.Error(we.Err, "list or watch failed; the informer retries with backoff, and logs this again only if the error changes", kv...)
}

// delivered notes that source delivered an item: a failure it had is
// over, and logged as such.
func (c *Core) delivered(source string) {
	c.failMu.Lock()
	_, was := c.failing[source]
	delete(c.failing, source)
	c.any.Store(len(c.failing) > 0)
	c.failMu.Unlock()
	if was {
		c.log.Info("list or watch recovered", "adapter", c.name, "source", source)
	}
}

// watchKey is what makes two failures the same: the API status code and
// reason, or the message of any other error.
func watchKey(we *adapter.WatchError) string {
	var st apierrors.APIStatus
	if errors.As(we.Err, &st) {
		s := st.Status()
		return fmt.Sprintf("%d %s %s", s.Code, s.Reason, s.Message)
	}
	return we.Err.Error()
}

// wrote logs a write's failure and keeps it in Status; the machine, told
// the outcome, decides the retry.
func (c *Core) wrote(we *adapter.WriteError) {
	c.log.Error(we, "write failed", "op", we.Op, "object", we.Object, "outcome", we.Outcome.String(), "class", we.Class.String())
	c.status.fail(we)
	c.status.countWrite(we.Op, we.Outcome.String(), we.Class.String())
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

// status guards a Status, and the failure counts of the metrics: the
// loop and the informers write them, any goroutine reads them.
type status struct {
	mu          sync.Mutex
	s           adapter.Status
	watchErrors map[[2]string]int // by source, class
	writeErrors map[[3]string]int // by op, outcome, class
}

func (st *status) countWatch(source, class string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.watchErrors == nil {
		st.watchErrors = map[[2]string]int{}
	}
	st.watchErrors[[2]string{source, class}]++
}

func (st *status) countWrite(op, outcome, class string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.writeErrors == nil {
		st.writeErrors = map[[3]string]int{}
	}
	st.writeErrors[[3]string{op, outcome, class}]++
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
