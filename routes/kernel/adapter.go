package kernel

import (
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"

	"github.com/meshstate/meshstate/routes"
)

// maxRedumps bounds the dumps in a row that may be interrupted before a
// Sync gives up; Run keeps trying at its next event.
const maxRedumps = 16

// ErrDumpInterrupted is returned by Sync when every dump was interrupted:
// the kernel state is unknown, so nothing was pruned.
var ErrDumpInterrupted = errors.New("routes/kernel: every dump was interrupted")

// Stats counts the adapter's kernel calls.
type Stats struct {
	Writes, Dumps, Failures int64
}

// Adapter drives one routes.Machine against the namespace of its handle.
// Sync and Run must not be called concurrently; Stats may be.
type Adapter struct {
	h  *netlink.Handle
	ns netns.NsHandle
	m  *routes.Machine
	// Logf, if set, receives refusals and failures.
	Logf func(format string, args ...any)

	writes, dumps, failures atomic.Int64
	retries                 []pendingRetry
}

type pendingRetry struct {
	due time.Time
	op  routes.Operation
}

// New returns an adapter over the namespace ns, whose handle is h (from
// netlink.NewHandleAt(ns)); ns is used for the route subscription.
func New(h *netlink.Handle, ns netns.NsHandle, cfg routes.Config) (*Adapter, error) {
	if h == nil {
		return nil, errors.New("routes/kernel: nil handle")
	}
	m, err := routes.New(cfg)
	if err != nil {
		return nil, err
	}
	return &Adapter{h: h, ns: ns, m: m}, nil
}

// Stats returns the counts so far.
func (a *Adapter) Stats() Stats {
	return Stats{Writes: a.writes.Load(), Dumps: a.dumps.Load(), Failures: a.failures.Load()}
}

// Machine returns the machine, for its queries; not while Run runs.
func (a *Adapter) Machine() *routes.Machine { return a.m }

// Sync makes the namespace hold desired, once: it steps desired as the
// synced desired state, dumps the kernel, and applies every operation. A
// failed write is left to its retry (see Machine().Failures()); Sync does
// not wait for it. It returns ErrDumpInterrupted if no dump completed.
func (a *Adapter) Sync(desired routes.Desired) error {
	for _, ev := range []routes.Event{desired, routes.DesiredSynced{}} {
		if err := a.step(ev, time.Time{}); err != nil {
			return err
		}
	}
	for range maxRedumps {
		if a.m.Stats().Dumped {
			return nil
		}
		if err := a.step(a.dump(), time.Time{}); err != nil {
			return err
		}
	}
	if !a.m.Stats().Dumped {
		return ErrDumpInterrupted
	}
	return nil
}

// step steps ev and carries out the operations, and those their outcomes
// cause, until none is left. now schedules retries.
func (a *Adapter) step(ev routes.Event, now time.Time) error {
	ops, err := a.m.Step(ev)
	if err != nil {
		return err
	}
	redumps := 0
	for len(ops) > 0 {
		op := ops[0]
		ops = ops[1:]
		var next routes.Event
		switch {
		case op.Kind.IsWrite():
			err := a.write(op)
			class := Classify(err)
			msg := ""
			if err != nil {
				msg = err.Error()
			}
			next = routes.Applied{Op: op, Class: class, Message: msg, At: now}
		case op.Kind == routes.RetryAfter:
			a.failures.Add(1)
			a.logf("routes: %s; retrying in %v", op.Message, op.Delay)
			a.retries = append(a.retries, pendingRetry{due: now.Add(op.Delay), op: op})
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

func (a *Adapter) write(op routes.Operation) error {
	a.writes.Add(1)
	switch op.Kind {
	case routes.ReplaceRoute:
		return a.replaceRoute(toKernel(op.Route))
	case routes.DeleteRoute:
		return a.h.RouteDel(toKernel(op.Route))
	case routes.AddRule:
		return a.h.RuleAdd(ruleToKernel(op.Rule))
	case routes.DeleteRule:
		return a.h.RuleDel(ruleToKernel(op.Rule))
	}
	return fmt.Errorf("routes/kernel: %v is not a write", op.Kind)
}

// replaceRoute installs r without ever overwriting a foreign route: the
// kernel keys a route by table, destination and metric, not protocol, so a
// plain replace would take over another owner's route on our key. The
// common case, a new route, is one exclusive add; a route already there is
// replaced only if it carries our protocol.
func (a *Adapter) replaceRoute(r *netlink.Route) error {
	err := a.h.RouteAdd(r)
	if !errors.Is(err, unix.EEXIST) {
		return err
	}
	filter := &netlink.Route{Table: r.Table, Dst: r.Dst, Priority: r.Priority}
	family := netlink.FAMILY_V4
	if r.Dst.IP.To4() == nil {
		family = netlink.FAMILY_V6
	}
	held, err := a.h.RouteListFiltered(family, filter, netlink.RT_FILTER_TABLE|netlink.RT_FILTER_DST|netlink.RT_FILTER_PRIORITY)
	if err != nil {
		return err
	}
	for _, h := range held {
		if h.Protocol != r.Protocol {
			return &ForeignRouteError{Dst: r.Dst.String(), Table: r.Table, Protocol: int(h.Protocol)}
		}
	}
	return a.h.RouteReplace(r)
}

// dump lists the owned routes (filtered in the kernel by table and
// protocol) and the rules of our table, of both families. Any other error
// than an interrupted dump also makes it incomplete: absence is never
// inferred from a failed listing.
func (a *Adapter) dump() routes.Dump {
	a.dumps.Add(1)
	cfg := a.m.Config()
	d := routes.Dump{Complete: true}
	filter := &netlink.Route{Table: int(cfg.Table), Protocol: netlink.RouteProtocol(cfg.Protocol)}
	err := a.h.RouteListFilteredIter(netlink.FAMILY_ALL, filter, netlink.RT_FILTER_TABLE|netlink.RT_FILTER_PROTOCOL,
		func(r netlink.Route) bool {
			d.Routes = append(d.Routes, fromKernel(r, cfg.Metric))
			return true
		})
	if err != nil {
		d.Complete = false
		if !errors.Is(err, netlink.ErrDumpInterrupted) {
			a.logf("routes: listing routes: %v", err)
		}
	}
	for _, family := range []int{unix.AF_INET, unix.AF_INET6} {
		rules, err := a.h.RuleListFiltered(family, &netlink.Rule{Table: int(cfg.Table)}, netlink.RT_FILTER_TABLE)
		if err != nil {
			d.Complete = false
			if !errors.Is(err, netlink.ErrDumpInterrupted) {
				a.logf("routes: listing rules: %v", err)
			}
		}
		for _, r := range rules {
			d.Rules = append(d.Rules, ruleFromKernel(r))
		}
	}
	return d
}

// dueRetries removes and returns the retries due at now, in due order.
func (a *Adapter) dueRetries(now time.Time) []routes.Operation {
	slices.SortStableFunc(a.retries, func(x, y pendingRetry) int { return x.due.Compare(y.due) })
	n := 0
	for n < len(a.retries) && !a.retries[n].due.After(now) {
		n++
	}
	out := make([]routes.Operation, n)
	for i := range n {
		out[i] = a.retries[i].op
	}
	a.retries = slices.Delete(a.retries, 0, n)
	return out
}

// nextDue returns how long until the first retry is due, or false.
func (a *Adapter) nextDue(now time.Time) (time.Duration, bool) {
	if len(a.retries) == 0 {
		return 0, false
	}
	first := a.retries[0].due
	for _, r := range a.retries[1:] {
		if r.due.Before(first) {
			first = r.due
		}
	}
	return max(first.Sub(now), 0), true
}
