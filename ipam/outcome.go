package ipam

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/meshstate/meshstate/lookup"
)

// lookedUp acts on the class of a dependency lookup. Only a confirmed
// absence may change anything about the owner's addresses, and by default
// not even that: the dependency is recreated with the same addresses.
func (m *Machine) lookedUp(dst []Effect, ev LookupResult) ([]Effect, error) {
	h, err := m.held(ev.Owner)
	if err != nil {
		return dst, err
	}
	if !ev.Class.Valid() {
		return dst, &RejectedError{Owner: ev.Owner, Field: "class", Reason: fmt.Sprint(ev.Class), Err: ErrInvalidEvent}
	}
	if err := validAddrs(ev.Owner, ev.Addresses); err != nil {
		return dst, err
	}
	if h.addrs == nil {
		return dst, nil // waiting for an address: nothing to verify yet
	}
	out := dst
	switch ev.Class {
	case lookup.Found:
		h.lookups = 0
		return m.found(out, h, ev.Addresses, ev.At), nil
	case lookup.NotFound:
		h.lookups = 0
		h.dep.carried, h.dep.known = nil, true
		if m.cfg.ReleaseOnNotFound && !h.dep.ensuring && m.room(int(h.want)) {
			// The old addresses stay allocated until the status records
			// the new ones and the dependency carries them (see retired):
			// nothing comes free here.
			m.retire(h)
			out = m.allocate(out, h, ReasonReallocated, "the dependency was gone; released its addresses", ev.At)
			return m.setCondition(out, h, condDependencyReady, false, ReasonReallocated, because(ReasonReallocated, h.addrs, ev.Message), ev.At), nil
		}
		// While the machine's own ensure is pending, the dependency is
		// missing because it was not created yet: no news.
		h.quiet = h.dep.ensuring
		out = m.ensure(out, h)
		out = m.setCondition(out, h, condDependencyReady, false, ReasonRecreating, because(ReasonRecreating, h.addrs, ev.Message), ev.At)
		h.quiet = false
		return out, nil
	case lookup.Permanent:
		attempt := bump(&h.lookups) - 1
		out = m.setCondition(out, h, condDependencyReady, false, ReasonLookupDenied, because(ReasonLookupDenied, h.addrs, ev.Message), ev.At)
		return m.retry(out, h, Lookup, m.cfg.SlowRetry, attempt), nil
	default: // Transient or Conflict, both unknown: keep everything, look again later
		attempt := bump(&h.lookups) - 1
		out = m.setCondition(out, h, condDependencyReady, false, ReasonLookupFailed, because(ReasonLookupFailed, h.addrs, ev.Message), ev.At)
		return m.retry(out, h, Lookup, m.cfg.Retry, attempt), nil
	}
}

// applied acts on the outcome of a status write or a dependency ensure. A
// conflict, failure or lost answer is retried when due, with what the
// owner holds then; nothing here ever allocates.
func (m *Machine) applied(dst []Effect, ev Applied) ([]Effect, error) {
	h, err := m.held(ev.Owner)
	if err != nil {
		return dst, err
	}
	if ev.Effect != WriteStatus && ev.Effect != EnsureDependency || !ev.Outcome.Valid() {
		return dst, &RejectedError{Owner: ev.Owner, Field: "effect",
			Reason: fmt.Sprintf("%v %v", ev.Effect, ev.Outcome), Err: ErrInvalidEvent}
	}
	if err := validAddrs(ev.Owner, ev.Addresses); err != nil {
		return dst, err
	}
	if h.addrs == nil {
		return dst, nil // released since: nothing to retry
	}
	if ev.Outcome == Done {
		return m.done(dst, h, ev), nil
	}
	if ev.Addresses != nil && !slices.Equal(ev.Addresses, h.addrs) {
		// A write of addresses the owner no longer holds: the write of
		// the current ones was asked for since, and retrying the old
		// one would put back what the owner gave up.
		return dst, nil
	}
	out := dst
	if ev.Effect == EnsureDependency {
		h.dep.known = false // a lost answer may have changed it
		// Not seen done, whether it failed or its answer was lost: that
		// shows on the owner while it lasts. A status write's own
		// failure cannot, it would need a status write.
		out = m.setCondition(out, h, condDependencyReady, false, ReasonEnsureFailed, because(ReasonEnsureFailed, h.addrs, ev.Message), ev.At)
	}
	attempt := bump(&h.failures) - 1
	schedule := m.cfg.Retry
	if ev.Outcome == Failed && ev.Class == lookup.Permanent {
		schedule = m.cfg.SlowRetry
	}
	return m.retry(out, h, ev.Effect, schedule, attempt), nil
}

// done takes a write the server applied: the status, or the dependency,
// now records ev.Addresses, which may be older than what h holds.
func (m *Machine) done(out []Effect, h *holding, ev Applied) []Effect {
	h.failures = 0
	if ev.Effect == WriteStatus {
		h.shown = ev.Addresses
		return m.settled(out, h, ev.At)
	}
	h.dep.carried, h.dep.known = slices.Clone(ev.Addresses), true
	if !h.carries() {
		// An older ensure landed after a newer one was asked for; the
		// newer one is on its way, or is asked for again here.
		return m.ensure(out, h)
	}
	h.dep.ensuring = false
	return m.retired(m.ready(out, h, ReasonDependencyEnsured, ev.At), h, ev.At)
}

func validAddrs(o Owner, addrs []netip.Addr) error {
	for i, a := range addrs {
		if !a.IsValid() || a.Zone() != "" {
			return &RejectedError{Owner: o, Field: fmt.Sprintf("addresses[%d]", i),
				Reason: "not a plain IP address", Err: ErrInvalidEvent}
		}
	}
	return nil
}
