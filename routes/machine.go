package routes

import (
	"fmt"
	"slices"
)

// Machine reconciles the owned routes and rules of one network namespace.
// It is a plain value without goroutines, clock or I/O; it is not safe for
// concurrent use.
type Machine struct {
	cfg    Config
	routes book[routeID, Route]
	rules  book[Rule, Rule]
	// synced: the desired source reported its initial list. dumped: a
	// complete dump arrived; before it the machine does not know what to
	// write, so it writes nothing (a restart onto a converged kernel
	// writes nothing at all).
	synced, dumped bool
	gen            uint64
	refused        map[string]*RefusedError
	// devices are the network devices seen by LinkUpdate, by name; named
	// are the names the last Desired's remotes give as Device, and last
	// that Desired (kept only while some remote names a device), rebuilt
	// when a named device moves to another index.
	devices map[string]device
	named   map[string]bool
	last    Desired
}

// device is a network device as LinkUpdate last reported it.
type device struct {
	index int
	gone  bool // deleted: its routes stay at its index until it returns
}

// New validates cfg and returns a machine that wants nothing yet.
func New(cfg Config) (*Machine, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Machine{
		cfg:     cfg,
		routes:  newBook(Route.id, func(have, want Route) bool { return routeSatisfies(&have, &want) }, ReplaceRoute, DeleteRoute),
		rules:   newBook(func(r Rule) Rule { return r }, func(a, b Rule) bool { return a == b }, AddRule, DeleteRule),
		refused: map[string]*RefusedError{},
		devices: map[string]device{},
	}, nil
}

// Config returns the configuration in use, defaults filled in.
func (m *Machine) Config() Config { return m.cfg }

// Step applies one event and returns the operations it causes, in order.
// A rejected event returns an error wrapping one of the package's
// sentinels and leaves the machine unchanged.
func (m *Machine) Step(ev Event) ([]Effect, error) { return m.AppendStep(nil, ev) }

// AppendStep is Step appending the operations to dst; on error dst is
// returned unchanged.
func (m *Machine) AppendStep(dst []Effect, ev Event) ([]Effect, error) {
	switch ev := ev.(type) {
	case Desired:
		return m.desired(dst, ev)
	case DesiredSynced:
		m.synced = true
		return m.reconcileAll(dst), nil
	case Dump:
		return m.dump(dst, ev), nil
	case RouteUpdate:
		return m.routeUpdate(dst, ev)
	case LinkUpdate:
		return m.linkUpdate(dst, ev)
	case Applied:
		return m.applied(dst, ev)
	case RetryDue:
		return m.retryDue(dst, ev)
	}
	return dst, &RejectedError{Reason: fmt.Sprintf("%T", ev), Err: ErrInvalidEvent}
}

func (m *Machine) desired(dst []Effect, ev Desired) ([]Effect, error) {
	routes, rules, refused, err := build(m.cfg, ev, m.deviceIndex)
	if err != nil {
		return dst, err
	}
	m.remember(ev)
	m.gen++
	m.routes.setWanted(routes, m.gen)
	m.rules.setWanted(rules, m.gen)
	out := dst
	now := make(map[string]*RefusedError, len(refused))
	for _, r := range refused {
		k := r.Cluster + " " + r.Subnet.String()
		now[k] = r
		if old := m.refused[k]; old == nil || *old != *r {
			reason := ReasonHijack
			if r.Err == ErrConflict {
				reason = ReasonConflict
			}
			out = append(out, Effect{Kind: Refuse, Route: Route{Dst: r.Subnet, Table: m.cfg.Table,
				Protocol: m.cfg.Protocol}, Reason: reason, Message: r.Error()})
		}
	}
	m.refused = now
	return m.reconcileAll(out), nil
}

func (m *Machine) dump(dst []Effect, ev Dump) []Effect {
	if !ev.Complete {
		// An interrupted dump may miss entries that exist: nothing in it
		// is evidence of absence, so it changes nothing.
		return append(dst, Effect{Kind: Redump, Reason: "dump interrupted"})
	}
	m.gen++
	observeRoutes(&m.routes, ev.Routes, &m.cfg, m.gen)
	m.rules.setObserved(ev.Rules, m.cfg.OwnsRule, m.gen)
	m.dumped = true
	return m.reconcile(dst, m.gen)
}

func (m *Machine) routeUpdate(dst []Effect, ev RouteUpdate) ([]Effect, error) {
	if !ev.Route.Dst.IsValid() {
		return dst, &RejectedError{Field: "route", Reason: "invalid destination", Err: ErrInvalidEvent}
	}
	if !m.cfg.OwnsRoute(ev.Route) {
		return dst, nil // foreign: observed, never acted on
	}
	e := m.routes.get(ev.Route.id())
	if ev.Deleted {
		e.had, e.have = false, Route{}
	} else {
		e.had, e.have = true, ev.Route
	}
	return m.finishRoute(dst, e), nil
}

// reconcileAll decides every entry. Maps are walked in random order, so
// the operations are sorted before they are returned.
func (m *Machine) reconcileAll(dst []Effect) []Effect { return m.reconcile(dst, 0) }

// reconcile is reconcileAll after the complete dump of generation
// dumpGen (0 for none), whose unseen entries it forgets on the way.
func (m *Machine) reconcile(dst []Effect, dumpGen uint64) []Effect {
	if !m.dumped {
		return dst
	}
	start := len(dst)
	prune := m.synced
	idle := false
	for i := range m.routes.es {
		if dumpGen != 0 {
			if m.routes.settled(i, dumpGen) {
				continue
			}
			m.routes.forgetUnseen(i, dumpGen)
		}
		e := &m.routes.es[i]
		if kind, v, ok := m.routes.decide(e, prune); ok {
			dst = append(dst, Effect{Kind: kind, Route: v})
		}
		idle = idle || e.idle()
	}
	if idle {
		m.routes.compact()
	}
	idle = false
	for i := range m.rules.es {
		if dumpGen != 0 {
			if m.rules.settled(i, dumpGen) {
				continue
			}
			m.rules.forgetUnseen(i, dumpGen)
		}
		e := &m.rules.es[i]
		if kind, v, ok := m.rules.decide(e, prune); ok {
			dst = append(dst, Effect{Kind: kind, Rule: v})
		}
		idle = idle || e.idle()
	}
	if idle {
		m.rules.compact()
	}
	slices.SortFunc(dst[start:], compareOps)
	return dst
}

func (m *Machine) finishRoute(dst []Effect, e *entry[routeID, Route]) []Effect {
	if m.dumped {
		if kind, v, ok := m.routes.decide(e, m.synced); ok {
			dst = append(dst, Effect{Kind: kind, Route: v})
		}
	}
	m.routes.removeIfIdle(e)
	return dst
}

func (m *Machine) finishRule(dst []Effect, e *entry[Rule, Rule]) []Effect {
	if m.dumped {
		if kind, v, ok := m.rules.decide(e, m.synced); ok {
			dst = append(dst, Effect{Kind: kind, Rule: v})
		}
	}
	m.rules.removeIfIdle(e)
	return dst
}
