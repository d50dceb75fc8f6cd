package kernel

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/meshstate/meshstate/routes"
)

// subscription is one route subscription in the adapter's namespace.
type subscription struct {
	updates chan netlink.RouteUpdate
	done    chan struct{}
	errs    chan error
}

func (a *Adapter) subscribe() (*subscription, error) {
	s := &subscription{updates: make(chan netlink.RouteUpdate, 4096), done: make(chan struct{}), errs: make(chan error, 1)}
	ns := a.ns
	err := netlink.RouteSubscribeWithOptions(s.updates, s.done, netlink.RouteSubscribeOptions{
		Namespace: &ns,
		ErrorCallback: func(err error) {
			select {
			case s.errs <- err:
			default:
			}
		},
	})
	if err != nil {
		return nil, fmt.Errorf("routes/kernel: subscribe: %w", err)
	}
	return s, nil
}

// close ends the subscription and waits for its goroutine, which closes
// updates when it returns.
func (s *subscription) close() {
	close(s.done)
	for range s.updates {
	}
}

// Run keeps the namespace at the desired state until ctx ends. Each value
// received from desired is the complete desired state; send the first only
// once the desired source has synced (nothing is pruned before). A
// rejected desired state is logged and the previous one kept. Run
// subscribes to route updates first and then dumps, so that no change is
// missed between the two; an owned route removed by someone else is
// restored at once. If the subscription fails (its socket overflowed under
// a burst of changes), Run subscribes again and resyncs from a dump. It
// returns ctx's error, or the error that stopped it, once its
// subscription's goroutines have ended.
func (a *Adapter) Run(ctx context.Context, desired <-chan routes.Desired) error {
	sub, err := a.subscribe()
	if err != nil {
		return err
	}
	defer func() { sub.close() }()
	if err := a.step(a.dump(), time.Now()); err != nil {
		return err
	}
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	synced := false
	for {
		a.arm(timer)
		var ev routes.Event
		select {
		case <-ctx.Done():
			return ctx.Err()
		case d := <-desired:
			if err := a.step(d, time.Now()); err != nil {
				if !errors.Is(err, routes.ErrInvalidEvent) {
					return err
				}
				a.logf("routes: desired state rejected: %v", err)
				continue
			}
			if !synced {
				synced = true
				ev = routes.DesiredSynced{}
			}
		case u, ok := <-sub.updates:
			if !ok {
				// The subscription ended: changes may have been lost.
				a.logf("routes: route subscription ended; subscribing and dumping again")
				sub.close()
				if sub, err = a.subscribe(); err != nil {
					sub = &subscription{updates: make(chan netlink.RouteUpdate), done: make(chan struct{})}
					close(sub.updates)
					return err
				}
				ev = a.dump()
				break
			}
			r := fromKernel(u.Route, a.m.Config().Metric)
			if !r.Dst.IsValid() {
				continue // a default route without a destination: never ours
			}
			ev = routes.RouteUpdate{Route: r, Deleted: u.Type == unix.RTM_DELROUTE}
		case <-timer.C:
			for _, op := range a.dueRetries(time.Now()) {
				if err := a.step(routes.RetryDue{Op: op}, time.Now()); err != nil {
					return err
				}
			}
		case err := <-sub.errs:
			// An interrupted or failed message: the subscription's
			// picture may be incomplete, so resync from a dump.
			a.logf("routes: subscription: %v; dumping again", err)
			ev = a.dump()
		}
		if ev != nil {
			if err := a.step(ev, time.Now()); err != nil {
				return err
			}
		}
	}
}

// arm sets timer to the next due retry, or leaves it far off.
func (a *Adapter) arm(timer *time.Timer) {
	d, ok := a.nextDue(time.Now())
	if !ok {
		d = time.Hour
	}
	timer.Reset(d)
}
