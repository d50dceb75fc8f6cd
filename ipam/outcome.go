package ipam

import (
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"

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
	if h.addrs == nil {
		return dst, nil // waiting for an address: nothing to verify yet
	}
	out := dst
	switch ev.Class {
	case lookup.Found:
		h.lookups = 0
		if meta.IsStatusConditionTrue(h.conds, ConditionDependencyReady) {
			// Already known ready, whoever said so (DependencyEnsured
			// before a restart): rewriting the reason would be a status
			// write that tells nobody anything.
			return out, nil
		}
		return m.setCondition(out, h, ConditionDependencyReady, true, ReasonFound, "", ev.At), nil
	case lookup.NotFound:
		h.lookups = 0
		if m.cfg.ReleaseOnNotFound {
			// The old addresses stay allocated until the status records
			// the new ones (see retired): nothing comes free here.
			m.retire(h)
			out = m.allocate(out, h, ReasonReallocated, "the dependency was gone; released and reallocated", ev.At)
			return m.setCondition(out, h, ConditionDependencyReady, false, ReasonReallocated, ev.Message, ev.At), nil
		}
		out = append(out, Effect{Kind: EnsureDependency, Owner: h.owner, Addresses: h.addrs})
		return m.setCondition(out, h, ConditionDependencyReady, false, ReasonRecreating, ev.Message, ev.At), nil
	case lookup.Permanent:
		h.lookups++
		out = m.setCondition(out, h, ConditionDependencyReady, false, ReasonLookupDenied, ev.Message, ev.At)
		return append(out, m.retry(h, Lookup, m.cfg.SlowRetry.Delay(h.owner.UID, h.lookups-1))), nil
	default: // Transient or Conflict, both unknown: keep everything, look again later
		h.lookups++
		out = m.setCondition(out, h, ConditionDependencyReady, false, ReasonLookupFailed, ev.Message, ev.At)
		return append(out, m.retry(h, Lookup, m.cfg.Retry.Delay(h.owner.UID, h.lookups-1))), nil
	}
}

// applied acts on the outcome of a status write or a dependency ensure. A
// conflict or failure is retried with the same addresses; nothing here ever
// allocates.
func (m *Machine) applied(dst []Effect, ev Applied) ([]Effect, error) {
	h, err := m.held(ev.Owner)
	if err != nil {
		return dst, err
	}
	if ev.Effect != WriteStatus && ev.Effect != EnsureDependency || ev.Outcome < Done || ev.Outcome > Failed {
		return dst, &RejectedError{Owner: ev.Owner, Field: "effect",
			Reason: fmt.Sprintf("%v %v", ev.Effect, ev.Outcome), Err: ErrInvalidEvent}
	}
	for i, a := range ev.Addresses {
		if !a.IsValid() || a.Zone() != "" {
			return dst, &RejectedError{Owner: ev.Owner, Field: fmt.Sprintf("addresses[%d]", i),
				Reason: "not a plain IP address", Err: ErrInvalidEvent}
		}
	}
	if h.addrs == nil {
		return dst, nil // released since: nothing to retry
	}
	if ev.Outcome == Done {
		h.failures = 0
		if ev.Effect == WriteStatus {
			h.shown = ev.Addresses
			return m.retired(dst, h, ev.At), nil
		}
		return m.setCondition(dst, h, ConditionDependencyReady, true, ReasonDependencyEnsured, "", ev.At), nil
	}
	h.failures++
	out := dst
	if ev.Effect == EnsureDependency {
		// The failure is visible on the owner while it lasts; a status
		// write's own failure cannot be, it would need a status write.
		out = m.setCondition(out, h, ConditionDependencyReady, false, ReasonEnsureFailed, ev.Message, ev.At)
	}
	schedule := m.cfg.Retry
	if ev.Outcome == Failed && ev.Class == lookup.Permanent {
		schedule = m.cfg.SlowRetry
	}
	return append(out, m.retry(h, ev.Effect, schedule.Delay(h.owner.UID, h.failures-1))), nil
}

func (m *Machine) retry(h *holding, what Kind, delay time.Duration) Effect {
	e := Effect{Kind: RetryAfter, Owner: h.owner, Retry: what, Delay: delay}
	if what != Lookup {
		e.Addresses = h.addrs
	}
	return e
}
