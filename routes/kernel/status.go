package kernel

import "github.com/meshstate/meshstate/routes"

// Status is a snapshot of what the adapter holds, safe to take while Run
// runs (it waits for the event being handled, never for a timer).
type Status struct {
	// Converged: the kernel, as last observed, holds exactly the desired
	// routes and rules, and no write is pending or failed.
	Converged bool
	// Routes are the owned routes the kernel was last seen to hold
	// (applied), sorted.
	Routes []routes.Route
	// Rules are the owned rules the kernel was last seen to hold, sorted.
	Rules []routes.Rule
	// Pending are the writes that failed and wait for their retry, with
	// the reason (GatewayUnreachable, FailedPermanently for a foreign
	// route on our key, ...).
	Pending []routes.Failure
	// Refused are the subnets the last desired state asked for that are
	// not routed, and why (a hijack, a conflict).
	Refused []*routes.RefusedError
	// Machine counts the machine's entries.
	Machine routes.Stats
	// Adapter counts the adapter's kernel calls and resyncs.
	Adapter Stats
}

// Status returns a snapshot. It copies the machine's state, so it costs
// O(routes): call it for status reports, not per event.
func (a *Adapter) Status() Status {
	a.mu.Lock()
	defer a.mu.Unlock()
	return Status{
		Converged: a.m.Converged(),
		Routes:    a.m.ObservedRoutes(),
		Rules:     a.m.ObservedRules(),
		Pending:   a.m.Failures(),
		Refused:   a.m.Refused(),
		Machine:   a.m.Stats(),
		Adapter:   a.Stats(),
	}
}

// Converged reports Status().Converged without copying anything: a scan
// of the machine's entries, cheap enough for a readiness probe polled
// while a large table is being repaired.
func (a *Adapter) Converged() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.m.Converged()
}
