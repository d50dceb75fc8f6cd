package kube

import (
	"sync"
	"time"

	"github.com/meshstate/meshstate/internal/informer"
	"github.com/meshstate/meshstate/internal/retry"
	"github.com/meshstate/meshstate/lookup"
)

// retrySource is the informer.Item source of a due retry.
const retrySource = "retry"

// retryDue is the Obj of a due retry's item.
type retryDue struct {
	key string
	gen uint64
}

// retries schedules the retries of failed effects, by key. A due retry is
// pushed onto the adapter's queue, so that the loop handles it on its own
// goroutine like any event, in order with them. It is used by the loop
// only; the timers' callbacks touch nothing but the queue.
type retries struct {
	q          *informer.Queue
	fast, slow retry.Schedule
	pending    map[string]*pendingRetry
	gen        uint64
	wg         sync.WaitGroup // one per armed timer, so close waits for the callbacks
}

type pendingRetry struct {
	timer   *time.Timer // nil once fired
	attempt int
	gen     uint64
}

func newRetries(q *informer.Queue) *retries {
	return &retries{q: q, fast: retry.DefaultSchedule(), slow: retry.SlowSchedule(), pending: map[string]*pendingRetry{}}
}

// schedule arms key's retry after a failure of class c, replacing any
// armed one, and returns the delay. Permanent failures wait on the slow
// schedule: retrying them soon would fail the same way.
func (r *retries) schedule(key string, c lookup.Class) time.Duration {
	p := r.pending[key]
	if p == nil {
		p = &pendingRetry{}
		r.pending[key] = p
	}
	r.disarm(p)
	s := r.fast
	if c == lookup.Permanent {
		s = r.slow
	}
	d := s.Delay(key, p.attempt)
	p.attempt++
	r.gen++
	p.gen = r.gen
	item := informer.Item{Source: retrySource, Op: informer.Upsert, Obj: retryDue{key: key, gen: p.gen}, Key: key}
	r.wg.Add(1)
	p.timer = time.AfterFunc(d, func() {
		defer r.wg.Done()
		r.q.Push(item)
	})
	return d
}

// disarm stops p's timer; a timer that already fired has its callback
// account for itself.
func (r *retries) disarm(p *pendingRetry) {
	if p.timer != nil && p.timer.Stop() {
		r.wg.Done()
	}
	p.timer = nil
}

// succeeded forgets key: its retry is no longer needed, and the next
// failure starts the schedule again.
func (r *retries) succeeded(key string) {
	if p := r.pending[key]; p != nil {
		r.disarm(p)
		delete(r.pending, key)
	}
}

// due reports whether d is the current retry of its key, and not one
// superseded by a later failure or a success since it was armed.
func (r *retries) due(d retryDue) bool {
	p := r.pending[d.key]
	if p == nil || p.gen != d.gen {
		return false
	}
	p.timer = nil
	return true
}

// len counts the keys waiting for a retry.
func (r *retries) len() int { return len(r.pending) }

// close stops every timer and waits for the callbacks already running.
func (r *retries) close() {
	for _, p := range r.pending {
		r.disarm(p)
	}
	r.wg.Wait()
}
