package routes

import (
	"cmp"
	"fmt"
	"net/netip"
)

// applied acts on the outcome of a write. Only success changes what the
// machine believes the kernel holds; a failure keeps the target pending
// and schedules its retry, never dropping it.
func (m *Machine) applied(dst []Effect, ev Applied) ([]Effect, error) {
	if ev.Class < OK || ev.Class > Permanent {
		return dst, &RejectedError{Field: "class", Reason: ev.Class.String(), Err: ErrInvalidEvent}
	}
	op := ev.Op
	switch {
	case op.Kind.IsRoute():
		k := op.Route.id()
		e := m.routes.find(k)
		if e == nil || e.inFlight != op.Kind || e.flight != op.Route {
			return dst, notInFlight(op)
		}
		return m.finishRoute(outcome(m, dst, op, ev, e, ReplaceRoute), e), nil
	case op.Kind.IsWrite():
		e := m.rules.find(op.Rule)
		if e == nil || e.inFlight != op.Kind || e.flight != op.Rule {
			return dst, notInFlight(op)
		}
		return m.finishRule(outcome(m, dst, op, ev, e, AddRule), e), nil
	}
	return dst, notInFlight(op)
}

func notInFlight(op Effect) error {
	return &RejectedError{Field: "op", Reason: op.String() + " is not in flight", Err: ErrInvalidEvent}
}

// outcome clears e's in-flight mark. A write that took effect becomes
// what e has (nothing, for a deletion; add is the kind that adds); a
// failure is counted and answered with its RetryAfter.
func outcome[K, V comparable](m *Machine, dst []Effect, op Effect, ev Applied, e *entry[K, V], add Kind) []Effect {
	e.inFlight = 0
	adds := op.Kind == add
	if ev.Class == OK || adds && ev.Class == Exists || !adds && ev.Class == Gone {
		e.attempts, e.lastReason, e.lastMessage = 0, "", ""
		var none V
		e.had, e.have = adds, none
		if adds {
			e.have = e.flight
		}
		return dst
	}
	sched, why := m.cfg.Retry, ReasonFailed
	switch ev.Class {
	case Unreachable:
		why = ReasonGatewayUnreachable
	case Permanent:
		sched, why = m.cfg.SlowRetry, ReasonFailedPermanently
	}
	e.backingOff = true
	e.attempts++
	e.lastReason, e.lastMessage = why, ev.Message
	target := op.String()
	r := Effect{Kind: RetryAfter, Retry: op.Kind, Route: op.Route, Rule: op.Rule,
		Delay: sched.Delay(target, e.attempts-1), Reason: why,
		Message: fmt.Sprintf("%s failed (%s, attempt %d): %s", target, ev.Class, e.attempts, ev.Message)}
	return append(dst, r)
}

// retryDue re-decides a target whose backoff has passed: what it needs now
// may differ from what failed.
func (m *Machine) retryDue(dst []Effect, ev RetryDue) ([]Effect, error) {
	op := ev.Op
	if op.Kind == RetryAfter {
		op.Kind = op.Retry
	}
	switch {
	case op.Kind.IsRoute():
		k := op.Route.id()
		if e := m.routes.find(k); e != nil && e.backingOff {
			e.backingOff = false
			return m.finishRoute(dst, e), nil
		}
		return dst, nil // stale: already retried or resolved
	case op.Kind.IsWrite():
		if e := m.rules.find(op.Rule); e != nil && e.backingOff {
			e.backingOff = false
			return m.finishRule(dst, e), nil
		}
		return dst, nil
	}
	return dst, &RejectedError{Field: "op", Reason: op.String(), Err: ErrInvalidEvent}
}

// compareOps orders a step's writes: routes before the rules that steer
// traffic to them are added, rules before the routes are deleted; then by
// target.
func compareOps(a, b Effect) int {
	rank := func(k Kind) int {
		switch k {
		case ReplaceRoute:
			return 0
		case AddRule:
			return 1
		case DeleteRule:
			return 2
		}
		return 3
	}
	if c := cmp.Compare(rank(a.Kind), rank(b.Kind)); c != 0 {
		return c
	}
	if a.Kind.IsRoute() {
		return compareRoutes(a.Route, b.Route)
	}
	return compareRules(a.Rule, b.Rule)
}

func compareRoutes(a, b Route) int {
	if c := cmp.Compare(a.Table, b.Table); c != 0 {
		return c
	}
	if c := comparePrefix(a.Dst, b.Dst); c != 0 {
		return c
	}
	return cmp.Compare(a.Metric, b.Metric)
}

func compareRules(a, b Rule) int {
	if c := cmp.Compare(a.Priority, b.Priority); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Table, b.Table); c != 0 {
		return c
	}
	if c := comparePrefix(a.Src, b.Src); c != 0 {
		return c
	}
	if c := comparePrefix(a.Dst, b.Dst); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Protocol, b.Protocol); c != 0 {
		return c
	}
	return cmp.Compare(b2i(a.IPv6), b2i(b.IPv6))
}

func comparePrefix(a, b netip.Prefix) int {
	if c := a.Addr().Compare(b.Addr()); c != 0 {
		return c
	}
	return cmp.Compare(a.Bits(), b.Bits())
}
