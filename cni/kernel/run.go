package kernel

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cenkalti/backoff/v4"
	"github.com/vishvananda/netlink"

	"github.com/meshstate/meshstate/cni"
)

// stableAfter is how long a subscription must have lived for its end to
// reset the reopening backoff: one that keeps overflowing sooner (a storm)
// is reopened less and less often, up to the backoff's cap, instead of
// being reopened and dumped in a tight loop.
const stableAfter = 2 * time.Second

// reopenBackoff spaces the reopenings of a subscription. The first comes
// after about 5 ms and the growth is gentle, so overflows in a reboot
// burst delay discovery by tens of milliseconds, not by a retry period.
func reopenBackoff() *backoff.ExponentialBackOff {
	return backoff.NewExponentialBackOff(
		backoff.WithInitialInterval(5*time.Millisecond),
		backoff.WithMaxInterval(time.Second),
		backoff.WithMultiplier(1.5),
		backoff.WithRandomizationFactor(0.3),
		backoff.WithMaxElapsedTime(0), // never give up: Run ends with its context
	)
}

// dumpBackoff spaces the retries of a dump the kernel interrupted (the
// table changed under it) or that failed. Retrying at once, as before,
// only meets the same burst ten times in a few milliseconds; the cap is
// low because a burst ends within a second and every retry is a chance.
func dumpBackoff() *backoff.ExponentialBackOff {
	return backoff.NewExponentialBackOff(
		backoff.WithInitialInterval(2*time.Millisecond),
		backoff.WithMaxInterval(250*time.Millisecond),
		backoff.WithMultiplier(1.5),
		backoff.WithRandomizationFactor(0.3),
		backoff.WithMaxElapsedTime(0),
	)
}

// loop is one Run's state besides the machine: its timers and the effect
// buffer reused across steps.
type loop struct {
	w      *Watcher
	buf    []cni.Effect
	retry  *time.Timer // the machine's RetryAfter
	resync *time.Timer // the periodic relist; nil when off
}

// Run discovers the CNI interface until ctx ends, then returns ctx.Err();
// see the package function Run. It returns ErrRunning if another Run of w
// is in progress.
func (w *Watcher) Run(ctx context.Context) error {
	if !w.running.CompareAndSwap(false, true) {
		return ErrRunning
	}
	defer w.running.Store(false)
	l := &loop{w: w, retry: time.NewTimer(time.Hour)}
	l.retry.Stop()
	defer l.retry.Stop()
	if w.cfg.Resync > 0 {
		l.resync = time.NewTimer(w.cfg.Resync)
		defer l.resync.Stop()
	}
	reopen := reopenBackoff()
	for {
		// Subscribed first, listed second: a change between the two is
		// both in the dump and in an update, never in neither.
		chanCap, rcvbuf := w.cfg.faults.buffers()
		s, err := subscribe(w.cfg.NS, chanCap, rcvbuf)
		if err == nil {
			opened := time.Now()
			w.opened()
			w.cfg.faults.opened(s)
			err = l.serve(ctx, s)
			w.cfg.faults.opened(nil)
			s.close()
			if time.Since(opened) >= stableAfter {
				reopen.Reset()
			}
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		w.failed(err)
		if !sleep(ctx, reopen.NextBackOff()) {
			return ctx.Err()
		}
	}
}

// serve dumps, then steps the subscription's updates until it ends (the
// returned error says why) or ctx does.
func (l *loop) serve(ctx context.Context, s *subscription) error {
	if err := l.relist(ctx, s); err != nil {
		return err
	}
	var resync <-chan time.Time
	if l.resync != nil {
		resync = l.resync.C
	}
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case u, ok := <-s.links:
			if !ok {
				return ended(s, "links")
			}
			l.step(linkEvent(u, time.Now()), true)
		case u, ok := <-s.addrs:
			if !ok {
				return ended(s, "addresses")
			}
			if ev, ok := addrEvent(u, time.Now()); ok {
				l.step(ev, true)
			}
		case err := <-s.errs:
			return fmt.Errorf("%w: %w", ErrSubscriptionEnded, err)
		case <-l.retry.C:
			if err := l.relist(ctx, s); err != nil {
				return err
			}
		case <-resync:
			l.resync.Reset(l.w.cfg.Resync)
			if err := l.relist(ctx, s); err != nil {
				return err
			}
		}
	}
}

// relist feeds a complete dump as a Snapshot, retrying interrupted or
// failed dumps with backoff and without limit. It returns early only when
// ctx ends or the subscription does (it must be reopened before a dump
// can be trusted again).
func (l *loop) relist(ctx context.Context, s *subscription) error {
	var b *backoff.ExponentialBackOff
	for {
		links, err := l.w.cfg.faults.list(l.w.cfg.Handle)
		if err == nil {
			l.w.synced()
			l.step(cni.Snapshot{Links: links, At: time.Now()}, false)
			return nil
		}
		l.w.dumpFailed(err)
		if b == nil {
			b = dumpBackoff()
		}
		if err := wait(ctx, s, b.NextBackOff()); err != nil {
			return err
		}
	}
}

// wait sleeps d while the subscription lives, discarding its updates: the
// dump that follows starts after they were received, so it covers them,
// and reading them keeps the socket from overflowing meanwhile.
func wait(ctx context.Context, s *subscription, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			return nil
		case _, ok := <-s.links:
			if !ok {
				return ended(s, "links")
			}
		case _, ok := <-s.addrs:
			if !ok {
				return ended(s, "addresses")
			}
		case err := <-s.errs:
			return fmt.Errorf("%w: %w", ErrSubscriptionEnded, err)
		}
	}
}

// ended says why a subscription's channel closed, with the receiver's
// error if it reported one.
func ended(s *subscription, what string) error {
	select {
	case err := <-s.errs:
		return fmt.Errorf("%w: %s: %w", ErrSubscriptionEnded, what, err)
	default:
		return fmt.Errorf("%w: %s", ErrSubscriptionEnded, what)
	}
}

// step feeds ev to the machine and acts on the effects. The kernel only
// sends valid names and positive indexes, so a rejection cannot happen;
// were it to, the event is dropped and the next relist resyncs.
func (l *loop) step(ev cni.Event, update bool) {
	w := l.w
	now := time.Now()
	w.mu.Lock()
	effects, err := w.m.AppendStep(l.buf[:0], ev)
	if update {
		w.st.Updates++
	}
	for _, e := range effects {
		switch e.Kind {
		case cni.RetryAfter:
			w.st.RetryAt = now.Add(e.Delay)
		case cni.Waiting:
			w.waiting = e.Reason
		case cni.Discovered:
			w.waiting = ""
		}
	}
	w.mu.Unlock()
	if err != nil {
		return
	}
	l.buf = effects
	for _, e := range effects {
		switch e.Kind {
		case cni.RetryAfter:
			l.retry.Reset(e.Delay)
		case cni.Discovered:
			l.retry.Stop()
		}
		w.cfg.Report(e)
	}
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// The status updates of the loop.

func (w *Watcher) opened() {
	w.mu.Lock()
	w.st.Subscriptions++
	w.st.Synced = false
	w.mu.Unlock()
}

func (w *Watcher) synced() {
	w.mu.Lock()
	w.st.Dumps++
	w.st.Synced, w.st.SyncedAt = true, time.Now()
	w.mu.Unlock()
}

func (w *Watcher) dumpFailed(err error) {
	w.mu.Lock()
	if errors.Is(err, netlink.ErrDumpInterrupted) {
		w.st.InterruptedDumps++
	} else {
		w.st.FailedDumps++
	}
	w.st.LastError, w.st.LastErrorAt = fmt.Errorf("cni/kernel: list: %w", err), time.Now()
	w.mu.Unlock()
}

func (w *Watcher) failed(err error) {
	w.mu.Lock()
	w.st.Synced = false
	w.st.LastError, w.st.LastErrorAt = err, time.Now()
	w.mu.Unlock()
}
