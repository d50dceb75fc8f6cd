package discoverykube

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"

	"github.com/meshstate/meshstate/kube/internal/informer"
	"github.com/meshstate/meshstate/kube/internal/loop"
)

// timerSource is the informer.Item source of a fired retry timer.
const timerSource = "retry"

// core is what both adapters add to internal/loop's runtime: their Status,
// the logging of failed writes, and the Run-once guard.
type core struct {
	log     logr.Logger
	report  *loop.Reporter
	status  status
	started atomic.Bool
}

// run builds the adapter's loop over srcs and runs it until ctx is done:
// setup arms the adapter's retry timers on the loop's queue and returns
// their Stop, which runs after everything else has stopped; handle gets
// each item in queue order, then flush applies what the batch decided.
func (c *core) run(ctx context.Context, srcs []loop.Source, factories []loop.Factory, setup func(*informer.Queue) (stop func()),
	handle func(informer.Item), flush func(context.Context)) error {
	if !c.started.CompareAndSwap(false, true) {
		return ErrStarted
	}
	r, err := loop.New(loop.Config{Sources: srcs, Factories: factories, Log: c.log,
		OnWatchError: func(we *loop.WatchError) {
			c.status.fail(&WatchError{Source: we.Source, Class: we.Class, Err: we.Err})
		}})
	if err != nil {
		return fmt.Errorf("discovery/kube: %w", err)
	}
	if err := r.OnStop(setup(r.Queue())); err != nil {
		return fmt.Errorf("discovery/kube: %w", err)
	}
	return r.Run(ctx, handle, flush)
}

// stepped counts a stepped event and logs its rejection.
func (c *core) stepped(ev any, err error) {
	rejected := c.report.Rejected(ev, err)
	c.status.update(func(s *Status) {
		s.Events++
		if rejected {
			s.Rejected++
		}
	})
}

// skip logs an object that could not be converted.
func (c *core) skip(it informer.Item, err error) {
	c.status.update(func(s *Status) { s.Skipped++ })
	c.report.Skipped(it, err)
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

// reportFailures logs and keeps a batch's failed writes, in the order of
// their operation and object so that Status.LastError does not depend on
// map order, empties failures, and keeps the count of pending retries.
func reportFailures[K comparable](c *core, failures map[K]*WriteError, pending int) {
	wes := slices.SortedFunc(maps.Values(failures), func(a, b *WriteError) int {
		return cmp.Or(strings.Compare(a.Op, b.Op), strings.Compare(a.Object, b.Object))
	})
	for _, we := range wes {
		c.wrote(we)
	}
	clear(failures)
	c.retries(pending)
}
