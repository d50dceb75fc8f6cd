package kernel

import (
	"context"
	"errors"
	"time"

	"github.com/cenkalti/backoff/v4"

	"github.com/meshstate/meshstate/routes"
)

// coalesce is how long Run waits after an event that calls for a resync
// or a retry before doing it, so that a burst (a link flap's dozens of
// notifications, 400 devices appearing) costs one pass, not one each.
const coalesce = 20 * time.Millisecond

// Run keeps the namespace at the desired state until ctx ends, and returns
// ctx's error then: no kernel failure ends it (principle 10).
//
// Each value received from desired is the complete desired state; send
// the first only once the desired source has synced (nothing is pruned
// before). Re-sending one retries at once what waits for a retry. A
// closed channel stops the input, not the adapter: the last desired state
// stays enforced until ctx ends (it is never read as an empty one).
//
// Run subscribes before it dumps, so no change is missed between the two.
// An owned route removed by someone else is restored at once; a foreign
// route taking over one of ours is left alone and ours restored when it
// goes. The whole table and the rules are dumped and reconciled every
// ResyncInterval, and soon after anything that may change the kernel
// without a route notification (a rule change, a change of a device our
// routes use) or that lost notifications (an overflowed subscription,
// which is reopened, its buffered updates dropped). A link or address
// appearing retries at once what waits for a retry.
func (a *Adapter) Run(ctx context.Context, desired <-chan routes.Desired) error {
	r := &run{a: a, desired: desired, interval: a.ResyncInterval}
	if r.interval == 0 {
		r.interval = DefaultResyncInterval
	}
	r.reopenBackoff = newBackoff(50*time.Millisecond, 10*time.Second)
	r.dumpBackoff = newBackoff(20*time.Millisecond, 5*time.Second)
	r.retryT, r.resyncT, r.soonT, r.reopenT = idleTimer(), idleTimer(), idleTimer(), idleTimer()
	defer func() {
		for _, t := range []*time.Timer{r.retryT, r.resyncT, r.soonT, r.reopenT} {
			t.Stop()
		}
		if r.w != nil {
			r.w.close()
		}
	}()
	r.reopen()
	if r.w != nil {
		// Without a subscription the dump waits for it: a dump whose
		// changes we would not hear of is repaired only by the timer.
		r.resync()
	}
	for {
		if err := r.once(ctx); err != nil {
			return err
		}
	}
}

// run is the state of one Run: its inputs, its timers and what they wait
// for. Everything runs on Run's goroutine.
type run struct {
	a        *Adapter
	desired  <-chan routes.Desired
	w        *watch
	interval time.Duration
	synced   bool
	opened   bool // a subscription was opened before: the next is a reopening

	retryT, resyncT, soonT, reopenT *time.Timer
	soonArmed                       bool
	// pending are the operations of the batch of notifications being
	// handled, carried out together at its end.
	pending                    []routes.Effect
	needResync, needRetry      bool
	reopenBackoff, dumpBackoff *backoff.ExponentialBackOff
}

func newBackoff(initial, maxDelay time.Duration) *backoff.ExponentialBackOff {
	b := backoff.NewExponentialBackOff()
	b.InitialInterval, b.MaxInterval, b.MaxElapsedTime = initial, maxDelay, 0
	b.Reset()
	return b
}

// idleTimer is a stopped timer, armed later with Reset.
func idleTimer() *time.Timer {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return t
}

// once waits for one input and handles it.
func (r *run) once(ctx context.Context) error {
	a := r.a
	var updates <-chan []change
	if r.w != nil {
		updates = r.w.out
	}
	r.armRetry()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case d, ok := <-r.desired:
		if !ok {
			a.logf("routes: desired channel closed; keeping the last desired state until the context ends")
			r.desired = nil
			return nil
		}
		return r.takeDesired(d)
	case batch, ok := <-updates:
		switch {
		case !ok:
			a.logf("routes: subscription ended (%v); subscribing and dumping again", r.w.err)
			r.w.close()
			r.w = nil
			r.reopenT.Reset(r.reopenBackoff.NextBackOff())
		case r.w.dead.Load():
			// Buffered before the subscription failed: the full dump after
			// its reopening supersedes it, and a replay could only undo
			// what that dump shows.
		default:
			r.handle(batch)
		}
	case <-r.retryT.C:
		r.fireRetries(false)
	case <-r.resyncT.C:
		r.resync()
	case <-r.soonT.C:
		r.soonArmed = false
		if r.needResync {
			r.resync()
		} else if r.needRetry {
			r.fireRetries(true)
		}
		r.needResync, r.needRetry = false, false
	case <-r.reopenT.C:
		r.reopen()
		if r.w != nil {
			r.resync()
		}
	}
	return nil
}

// takeDesired steps a desired state, and the first time the DesiredSynced
// that allows pruning. A desired state the machine rejects is logged and
// the previous one kept.
func (r *run) takeDesired(d routes.Desired) error {
	a := r.a
	a.mu.Lock()
	defer a.mu.Unlock()
	now := time.Now()
	if err := a.step(d, now); err != nil {
		if !errors.Is(err, routes.ErrInvalidEvent) {
			return err
		}
		a.logf("routes: desired state rejected: %v", err)
		return nil
	}
	if !r.synced {
		r.synced = true
		return a.step(routes.DesiredSynced{}, now)
	}
	// The same desired state sent again is the user's way to say that
	// the world changed: retry what waits now, not at its backoff.
	r.fireRetriesLocked(true, now)
	return nil
}

// reopen subscribes, or schedules the next attempt with backoff.
func (r *run) reopen() {
	buf := r.a.watchBuffer
	if buf == 0 {
		buf = watchBuffer
	}
	w, err := openWatch(r.a.ns, buf)
	if err != nil {
		d := r.reopenBackoff.NextBackOff()
		r.a.logf("routes: %v; retrying in %v", err, d)
		r.reopenT.Reset(d)
		return
	}
	if r.opened {
		r.a.resubs.Add(1)
	}
	r.opened = true
	r.reopenBackoff.Reset()
	r.w = w
}

// resync dumps everything and reconciles it. If every dump in a row was
// interrupted it tries again after a backoff; otherwise the periodic
// resync is re-armed.
func (r *run) resync() {
	a := r.a
	a.mu.Lock()
	a.resyncs.Add(1)
	now := time.Now()
	err := a.refreshDevices(now)
	if err == nil {
		err = a.step(a.dump(), now)
	}
	complete := a.lastComplete
	a.mu.Unlock()
	if err != nil {
		a.logf("routes: resync: %v", err)
	}
	r.needResync = false
	if !complete {
		d := r.dumpBackoff.NextBackOff()
		a.logf("routes: every dump was interrupted; dumping again in %v", d)
		r.resyncT.Reset(d)
		return
	}
	r.dumpBackoff.Reset()
	if r.interval > 0 {
		r.resyncT.Reset(r.interval)
	} else {
		r.resyncT.Stop()
	}
}

// soon asks for a resync or a retry of everything waiting, after a short
// coalescing delay.
func (r *run) soon(resync, retry bool) {
	r.needResync = r.needResync || resync
	r.needRetry = r.needRetry || retry
	if (r.needResync || r.needRetry) && !r.soonArmed {
		r.soonArmed = true
		r.soonT.Reset(coalesce)
	}
}

func (r *run) fireRetries(all bool) {
	r.a.mu.Lock()
	defer r.a.mu.Unlock()
	r.fireRetriesLocked(all, time.Now())
}

// fireRetriesLocked steps the due retries, or all of them. The caller
// holds mu.
func (r *run) fireRetriesLocked(all bool, now time.Time) {
	for _, op := range r.a.retries.popDue(now, all) {
		if err := r.a.step(routes.RetryDue{Op: op}, now); err != nil {
			r.a.logf("routes: retry: %v", err)
		}
	}
}

// armRetry sets the retry timer to the first due retry.
func (r *run) armRetry() {
	r.a.mu.Lock()
	d, ok := r.a.retries.next(time.Now())
	r.a.mu.Unlock()
	if ok {
		r.retryT.Reset(d)
	} else {
		r.retryT.Stop()
	}
}
