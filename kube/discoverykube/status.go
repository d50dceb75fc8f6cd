package discoverykube

import (
	"sync"
	"time"
)

// Status is a snapshot of an adapter, for health checks and metrics.
type Status struct {
	// Synced reports that every source has delivered its initial list, so
	// that the machine decides; SyncedAt is when (zero before).
	Synced   bool
	SyncedAt time.Time
	// Events counts the events fed to the machine, Rejected those it
	// refused, Skipped the objects that could not be converted.
	Events, Rejected, Skipped int
	// Retries counts the retry timers pending: writes that did not come
	// back Done and whose retry the machine scheduled. A timer that a newer
	// write superseded may count until it fires.
	Retries int
	// LastError is the last failure, a *WatchError or a *WriteError (whose
	// Outcome may be Unknown: the write may have landed); it is kept after
	// the failure has been cured, as the last one seen.
	LastError error
}

// status guards a Status: the loop writes it, any goroutine reads it.
type status struct {
	mu sync.Mutex
	s  Status
}

func (st *status) get() Status {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.s
}

func (st *status) update(f func(*Status)) {
	st.mu.Lock()
	defer st.mu.Unlock()
	f(&st.s)
}

func (st *status) fail(err error) { st.update(func(s *Status) { s.LastError = err }) }
