package ipamkube

import "github.com/meshstate/meshstate/ipam"

// State is a snapshot of what the adapter is doing, for health checks and
// tests.
type State struct {
	// Leading: a term is running (always, without leader election).
	Leading bool
	// Synced: the machine has the complete initial list of owners.
	Synced bool
	// Owners and Waiting count the owners the machine holds, and those
	// among them without addresses (the pool is exhausted).
	Owners, Waiting int
	// InFlight counts API requests under way; Pending, owners whose
	// status has changes not yet written; Retries, retries scheduled.
	InFlight, Pending, Retries int
	// Skipped counts malformed objects skipped this term.
	Skipped int
	// LastError is the latest failed request, informers' included.
	LastError *APIError
}

// Settled reports whether the adapter is leading, synced, and has nothing
// left to do: no request in flight, no status unwritten, no retry
// scheduled. After a restart, it means recovery is complete.
func (s State) Settled() bool {
	return s.Leading && s.Synced && s.InFlight == 0 && s.Pending == 0 && s.Retries == 0
}

// State returns the adapter's current state.
func (a *Adapter) State() State {
	st := State{Leading: a.leading.Load(), LastError: a.errs.last()}
	if sn := a.snap.Load(); sn != nil {
		st.Synced, st.Owners, st.Waiting = sn.synced, sn.stats.Owners, sn.stats.Waiting
		st.InFlight, st.Pending, st.Retries, st.Skipped = sn.inflight, sn.pending, sn.retries, sn.skipped
	}
	return st
}

// snapshot is what a term's loop publishes after each batch.
type snapshot struct {
	synced                              bool
	stats                               ipam.Stats
	inflight, pending, retries, skipped int
}

func (s *session) publish() {
	s.a.snap.Store(&snapshot{synced: s.synced, stats: s.m.Stats(), inflight: s.inflight,
		pending: len(s.unsettled), retries: s.timers.Len(), skipped: s.skipped})
}
