package kube

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/tools/cache"

	"github.com/meshstate/meshstate/internal/informer"
	"github.com/meshstate/meshstate/internal/tracefile"
	"github.com/meshstate/meshstate/lookup"
)

// core is what both adapters share: logging, tracing, status and the
// informer wiring around one loop goroutine.
type core struct {
	log         logr.Logger
	trace       *tracefile.Writer
	traceFailed bool
	status      status
	started     atomic.Bool
}

// source is one informer an adapter watches, under the name its items
// carry.
type source struct {
	name string
	inf  cache.SharedIndexInformer
}

// factory is a started and stopped set of informers: client-go's and the
// MCS API's factories both are.
type factory interface {
	Start(stop <-chan struct{})
	Shutdown()
}

// run wires srcs to one queue, calls setup with it (the adapter arms its
// retry timers on it), starts the factories, and runs the loop on the
// calling goroutine: handle gets each item in queue order, then flush
// applies what the items decided. Once ctx is done it stops the informers
// and calls the stop that setup returned, and returns when all have
// stopped.
func (c *core) run(ctx context.Context, srcs []source, factories []factory, setup func(*informer.Queue) (stop func()),
	handle func(informer.Item), flush func(context.Context)) error {
	if !c.started.CompareAndSwap(false, true) {
		return ErrStarted
	}
	ctx, cancel := context.WithCancel(ctx)
	var waits []func()
	defer func() {
		cancel()
		for _, wait := range waits {
			wait()
		}
	}()
	q := informer.NewQueue()
	stop := setup(q)
	defer stop()
	for _, s := range srcs {
		if err := s.inf.SetWatchErrorHandlerWithContext(c.watchError(s.name)); err != nil {
			return fmt.Errorf("kube: watch %s: %w", s.name, err)
		}
		wait, err := informer.Watch(ctx, s.inf, s.name, q)
		if err != nil {
			return err
		}
		waits = append(waits, wait)
	}
	for _, f := range factories {
		f.Start(ctx.Done())
	}
	var items []informer.Item
	for {
		var err error
		if items, err = q.Next(ctx, items[:0]); err != nil {
			break // ctx is done
		}
		for _, it := range items {
			handle(it)
		}
		clear(items) // let the objects go
		flush(ctx)
	}
	cancel()
	for _, f := range factories {
		f.Shutdown()
	}
	return nil
}

// watchError classifies, logs and keeps the failures of src's list and
// watch. The reflector retries by itself with backoff (0.8 s doubling,
// jittered, to 30-60 s); nothing here makes it retry faster.
func (c *core) watchError(src string) cache.WatchErrorHandlerWithContext {
	return func(ctx context.Context, _ *cache.Reflector, err error) {
		switch {
		case ctx.Err() != nil, errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return // shutting down, or a watch the server closed: relisting is routine
		case apierrors.IsResourceExpired(err), apierrors.IsGone(err):
			c.log.V(1).Info("watch expired; relisting", "source", src)
			return
		}
		we := &WatchError{Source: src, Class: lookup.Classify(err), Err: err}
		c.log.Error(we, "list or watch failed; the informer retries with backoff", "source", src, "class", we.Class.String())
		c.status.fail(we)
	}
}

// record writes ev to the trace before it is stepped. A trace with a gap
// would replay wrongly, so after a failure it stops, and says so once.
func (c *core) record(ev any) {
	if err := c.trace.Write(ev); err != nil && !c.traceFailed {
		c.traceFailed = true
		c.log.Error(err, "trace write failed; tracing stopped")
	}
}

// stepped counts a stepped event and logs its rejection.
func (c *core) stepped(ev any, err error) {
	c.status.update(func(s *Status) {
		s.Events++
		if err != nil {
			s.Rejected++
		}
	})
	if err != nil {
		c.log.Error(err, "event rejected by the machine", "event", fmt.Sprintf("%T", ev))
	}
}

// skip logs an object that could not be converted.
func (c *core) skip(it informer.Item, err error) {
	c.status.update(func(s *Status) { s.Skipped++ })
	c.log.Error(err, "object skipped", "source", it.Source, "key", it.Key)
}

// markSynced records the moment the machine started deciding.
func (c *core) markSynced(synced bool) {
	if !synced {
		return
	}
	c.status.update(func(s *Status) {
		if !s.Synced {
			s.Synced, s.SyncedAt = true, time.Now()
		}
	})
}

// wrote logs a write's failure and keeps it in Status; the machine, told
// the outcome, decides the retry.
func (c *core) wrote(we *WriteError) {
	c.log.Error(we, "write failed", "op", we.Op, "object", we.Object, "outcome", we.Outcome.String(), "class", we.Class.String())
	c.status.fail(we)
}

// retries keeps the count of pending retry timers in Status.
func (c *core) retries(n int) { c.status.update(func(s *Status) { s.Retries = n }) }
