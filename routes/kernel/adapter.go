package kernel

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"

	"github.com/meshstate/meshstate/routes"
)

// maxRedumps bounds the dumps in a row that one resync may find
// interrupted before it gives up; Run then dumps again after a backoff.
const maxRedumps = 16

// ErrDumpInterrupted is returned by Sync when every dump was interrupted:
// the kernel state is unknown, so nothing was pruned.
var ErrDumpInterrupted = errors.New("routes/kernel: every dump was interrupted")

// ErrNilHandle is returned by New without a netlink handle.
var ErrNilHandle = errors.New("routes/kernel: nil handle")

// Stats counts the adapter's kernel calls and what made it resync.
type Stats struct {
	// Writes counts the route and rule writes sent to the kernel (a
	// pipelined batch counts each of its routes); Dumps the dumps of
	// routes and rules; Failures the writes that failed and were
	// scheduled for a retry.
	Writes, Dumps, Failures int64
	// Resyncs counts full dump-and-reconcile passes of Run; Resubscribes
	// the subscriptions reopened after they ended or overflowed.
	Resyncs, Resubscribes int64
}

// Adapter drives one routes.Machine against the namespace of its handle.
// Sync and Run must not be called concurrently; Stats and Status may be,
// at any time.
type Adapter struct {
	h  *netlink.Handle
	ns netns.NsHandle
	// mu guards m, foreign and links: Run holds it while it handles one
	// event, Status while it reads.
	mu sync.Mutex
	m  *routes.Machine
	// Logf, if set, receives refusals and failures.
	Logf func(format string, args ...any)
	// ResyncInterval is the period of Run's full dump-and-reconcile, which
	// repairs what the kernel changed without telling (a link down drops
	// IPv4 routes without RTM_DELROUTE). Zero means DefaultResyncInterval;
	// a negative value turns the periodic resync off.
	ResyncInterval time.Duration

	// foreign holds the routes of our table that carry another protocol,
	// by key: a write on such a key is refused without a syscall, and its
	// deletion retries ours at once.
	foreign map[routes.RouteKey]uint8
	// links holds the devices our routes were seen on: a change of one of
	// them (down, up, deleted) makes Run resync.
	links map[int]struct{}
	// lastComplete: the last dump was complete.
	lastComplete bool
	// dumpFault, set only by tests, fails a dump before it lists;
	// writeFault fails a route write before it is sent.
	dumpFault  func() error
	writeFault func() error
	// watchBuffer, set only by tests, overrides the subscription's
	// receive buffer (a small one overflows at once).
	watchBuffer int

	// pipe writes routes (see pipe); opened at the first write, unless
	// that failed (noPipe), then the handle writes them.
	pipe   *pipe
	noPipe bool
	// Scratch of writeRoutes, reused from one run of writes to the next.
	reqs  []routeReq
	idx   []int
	rerrs []error
	errs  []error

	writes, dumps, failures, resyncs, resubs atomic.Int64
	retries                                  retryQueue
}

// DefaultResyncInterval is the period of Run's full resync unless
// ResyncInterval says otherwise.
const DefaultResyncInterval = time.Minute

// New returns an adapter over the namespace ns, whose handle is h (from
// netlink.NewHandleAt(ns)); ns is used for the subscription.
func New(h *netlink.Handle, ns netns.NsHandle, cfg routes.Config) (*Adapter, error) {
	if h == nil {
		return nil, ErrNilHandle
	}
	m, err := routes.New(cfg)
	if err != nil {
		return nil, err
	}
	return &Adapter{h: h, ns: ns, m: m, foreign: map[routes.RouteKey]uint8{}, links: map[int]struct{}{}}, nil
}

// Close releases the adapter's write socket. The handle and the
// namespace stay the caller's. The adapter must not be used afterwards;
// an adapter never closed has its socket closed when it is collected.
func (a *Adapter) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.pipe != nil {
		a.pipe.close()
		a.pipe = nil
	}
	a.noPipe = true
	return nil
}

// Stats returns the counts so far.
func (a *Adapter) Stats() Stats {
	return Stats{Writes: a.writes.Load(), Dumps: a.dumps.Load(), Failures: a.failures.Load(),
		Resyncs: a.resyncs.Load(), Resubscribes: a.resubs.Load()}
}

// Machine returns the machine, for its queries; not while Run runs (use
// Status then).
func (a *Adapter) Machine() *routes.Machine { return a.m }

// Sync makes the namespace hold desired, once: it steps desired as the
// synced desired state, dumps the kernel, and applies every operation. A
// failed write is left to its retry (see Status); Sync does not wait for
// it. It returns ErrDumpInterrupted if no dump completed.
func (a *Adapter) Sync(desired routes.Desired) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, ev := range []routes.Event{desired, routes.DesiredSynced{}} {
		if err := a.step(ev, time.Time{}); err != nil {
			return err
		}
	}
	if err := a.refreshDevices(time.Time{}); err != nil {
		return err
	}
	if err := a.step(a.dump(), time.Time{}); err != nil {
		return err
	}
	if !a.lastComplete {
		return ErrDumpInterrupted
	}
	return nil
}

// step steps ev and carries out the operations, and those their outcomes
// cause, until none is left. now schedules retries. The caller holds mu.
func (a *Adapter) step(ev routes.Event, now time.Time) error {
	ops, err := a.m.Step(ev)
	if err != nil {
		return err
	}
	return a.carry(ops, now)
}

// carry carries out ops, and those their outcomes cause, until none is
// left. The caller holds mu.
func (a *Adapter) carry(ops []routes.Effect, now time.Time) error {
	redumps := 0
	for len(ops) > 0 {
		if ops[0].Kind.IsRoute() {
			// A run of route writes goes out as one pipelined batch; the
			// outcomes are stepped afterwards, in order.
			n := 1
			for n < len(ops) && ops[n].Kind.IsRoute() {
				n++
			}
			run := ops[:n:n]
			ops = ops[n:]
			errs := a.errs[:0]
			for range run {
				errs = append(errs, nil)
			}
			a.writeRoutes(run, errs)
			for i, op := range run {
				msg := ""
				if errs[i] != nil {
					msg = errs[i].Error()
				}
				more, err := a.m.AppendStep(ops, routes.Applied{Op: op, Class: Classify(errs[i]), Message: msg, At: now})
				if err != nil {
					return err
				}
				ops = more
			}
			clear(errs)
			a.errs = errs
			continue
		}
		op := ops[0]
		ops = ops[1:]
		var next routes.Event
		switch {
		case op.Kind.IsWrite():
			err := a.write(op)
			msg := ""
			if err != nil {
				msg = err.Error()
			}
			next = routes.Applied{Op: op, Class: Classify(err), Message: msg, At: now}
		case op.Kind == routes.RetryAfter:
			a.failures.Add(1)
			a.logf("routes: %s; retrying in %v", op.Message, op.Delay)
			a.retries.push(now.Add(op.Delay), op)
		case op.Kind == routes.Redump:
			if redumps++; redumps <= maxRedumps {
				next = a.dump()
			}
		case op.Kind == routes.Refuse:
			a.logf("routes: %s", op.Message)
		}
		if next != nil {
			more, err := a.m.Step(next)
			if err != nil {
				return err
			}
			ops = append(ops, more...)
		}
	}
	return nil
}

func (a *Adapter) logf(format string, args ...any) {
	if a.Logf != nil {
		a.Logf(format, args...)
	}
}
