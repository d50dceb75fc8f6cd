package routes

import (
	"maps"
	"slices"
)

// Failure is a target whose last write failed and waits for its retry.
type Failure struct {
	// Route is the failed route target; zero when the target is a rule.
	Route Route `json:"route,omitzero"`
	// Rule is the failed rule target; zero when the target is a route.
	Rule Rule `json:"rule,omitzero"`
	// Attempts counts the failed writes since the target last succeeded.
	Attempts int `json:"attempts"`
	// Reason is the last failure's Reason* constant.
	Reason string `json:"reason"`
	// Message is the last failure's error text, from Applied.Message.
	Message string `json:"message,omitempty"`
}

// Stats counts what the machine holds, for metrics.
type Stats struct {
	// DesiredRoutes and DesiredRules count the routes and rules the
	// machine wants in the kernel.
	DesiredRoutes, DesiredRules int
	// ObservedRoutes and ObservedRules count the owned routes and rules
	// the kernel holds, as last reported.
	ObservedRoutes, ObservedRules int
	// InFlight counts writes returned and not yet reported Applied;
	// BackingOff counts targets waiting for a RetryDue.
	InFlight, BackingOff int
	// Synced says DesiredSynced has been seen; Dumped says a complete
	// Dump has been. Until both, nothing is deleted.
	Synced, Dumped bool
}

// Stats returns the counts.
func (m *Machine) Stats() Stats {
	s := Stats{Synced: m.synced, Dumped: m.dumped}
	for i := range m.routes.es {
		e := &m.routes.es[i]
		s.DesiredRoutes += b2i(e.wanted)
		s.ObservedRoutes += b2i(e.had)
		s.InFlight += b2i(e.inFlight != 0)
		s.BackingOff += b2i(e.backingOff)
	}
	for i := range m.rules.es {
		e := &m.rules.es[i]
		s.DesiredRules += b2i(e.wanted)
		s.ObservedRules += b2i(e.had)
		s.InFlight += b2i(e.inFlight != 0)
		s.BackingOff += b2i(e.backingOff)
	}
	return s
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Converged reports whether the kernel, as last observed, holds exactly
// the desired routes and rules and no write is pending or failed.
func (m *Machine) Converged() bool {
	if !m.dumped {
		return false
	}
	for i := range m.routes.es {
		e := &m.routes.es[i]
		if !m.routes.converged(e) {
			return false
		}
	}
	for i := range m.rules.es {
		e := &m.rules.es[i]
		if !m.rules.converged(e) {
			return false
		}
	}
	return true
}

// DesiredRoutes returns the wanted routes, sorted.
func (m *Machine) DesiredRoutes() []Route {
	var out []Route
	for i := range m.routes.es {
		e := &m.routes.es[i]
		if e.wanted {
			out = append(out, e.want)
		}
	}
	slices.SortFunc(out, compareRoutes)
	return out
}

// DesiredRules returns the wanted rules, sorted.
func (m *Machine) DesiredRules() []Rule {
	var out []Rule
	for i := range m.rules.es {
		e := &m.rules.es[i]
		if e.wanted {
			out = append(out, e.want)
		}
	}
	slices.SortFunc(out, compareRules)
	return out
}

// ObservedRoutes returns the owned routes the kernel was last seen to
// hold (by a dump, an update, or a write that succeeded), sorted.
func (m *Machine) ObservedRoutes() []Route {
	var out []Route
	for i := range m.routes.es {
		e := &m.routes.es[i]
		if e.had {
			out = append(out, e.have)
		}
	}
	slices.SortFunc(out, compareRoutes)
	return out
}

// ObservedRules is ObservedRoutes for rules.
func (m *Machine) ObservedRules() []Rule {
	var out []Rule
	for i := range m.rules.es {
		e := &m.rules.es[i]
		if e.had {
			out = append(out, e.have)
		}
	}
	slices.SortFunc(out, compareRules)
	return out
}

// Failures returns the targets waiting to retry a failed write, routes
// first, sorted.
func (m *Machine) Failures() []Failure {
	var rs []Failure
	for i := range m.routes.es {
		e := &m.routes.es[i]
		if e.backingOff {
			rs = append(rs, Failure{Route: e.flight, Attempts: e.attempts, Reason: e.lastReason, Message: e.lastMessage})
		}
	}
	slices.SortFunc(rs, func(a, b Failure) int { return compareRoutes(a.Route, b.Route) })
	var ru []Failure
	for i := range m.rules.es {
		e := &m.rules.es[i]
		if e.backingOff {
			ru = append(ru, Failure{Rule: e.flight, Attempts: e.attempts, Reason: e.lastReason, Message: e.lastMessage})
		}
	}
	slices.SortFunc(ru, func(a, b Failure) int { return compareRules(a.Rule, b.Rule) })
	return append(rs, ru...)
}

// Refused returns the subnets refused by the last Desired event, by
// cluster and subnet.
func (m *Machine) Refused() []*RefusedError {
	keys := slices.Sorted(maps.Keys(m.refused))
	out := make([]*RefusedError, len(keys))
	for i, k := range keys {
		out[i] = m.refused[k]
	}
	return out
}

// ObservedRoute returns the owned route the kernel was last seen to hold
// on key k, if any. It costs one map lookup, so that an adapter can pick a
// targeted replace for a route known to be ours without listing the table.
func (m *Machine) ObservedRoute(k RouteKey) (Route, bool) {
	e := m.routes.find(Route{Dst: k.Dst, Table: k.Table, Metric: k.Metric}.id())
	if e == nil || !e.had {
		return Route{}, false
	}
	return e.have, true
}
