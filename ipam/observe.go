package ipam

import (
	"fmt"
	"slices"
)

// observe takes an owner as the informer reports it. The machine keeps
// o.Status.Addresses: callers must not modify the slice afterwards.
func (m *Machine) observe(dst []Effect, o *Observed) ([]Effect, error) {
	if err := validateObserved(o); err != nil {
		return dst, err
	}
	h := m.owners[o.Owner.key()]
	if h != nil && h.owner.UID == o.Owner.UID {
		if int(h.want) != o.Want {
			// A count its condition already refuses (CountChangeRefused,
			// from recovery) is no news.
			return dst, &RejectedError{Owner: o.Owner, Field: "want", Err: ErrWantChanged, told: int(h.asked) == o.Want,
				Reason: fmt.Sprintf("from %d to %d: recreate the object to change it", h.want, o.Want)}
		}
		out := dst
		if h.asked != 0 {
			// The refused count was put back: nothing is refused now.
			h.asked = 0
			out = m.setCondition(out, h, condAllocated, true, ReasonRecovered, "", o.At)
		}
		if h.depends != o.DependsOn && h.addrs != nil {
			// spec.internalService was switched: Ready means another thing
			// (reobserve records the switch).
			m.readyDue(h)
		}
		return m.settled(m.reobserve(out, h, o), h, o.At), nil
	}
	out := dst
	if h != nil {
		// A new incarnation under the same name: the old owner is gone, and
		// its addresses may serve someone waiting.
		out = m.serveWaiting(m.forget(out, h), o.At)
	}
	h = m.newHolding(o)
	h.keepConditions(o.Status.Conditions)
	h.shown = o.Status.Addresses
	m.owners[o.Owner.key()] = h
	if !m.synced {
		m.arrivals = append(m.arrivals, arrival{h, o.CreatedAt})
		return out, nil // recovery happens at Synced
	}
	if m.recover(h) {
		return m.recovered(out, h, o.At), nil
	}
	return m.allocateFor(out, h, o.At), nil
}

// reobserve handles a known owner seen again. Its addresses never change
// here: a status that does not show them (a stale cache after a requeue,
// or a write that did not land) gets the write again, not a new address.
func (m *Machine) reobserve(out []Effect, h *holding, o *Observed) []Effect {
	h.depends = o.DependsOn
	h.shown = o.Status.Addresses
	if h.addrs == nil || slices.Equal(o.Status.Addresses, h.addrs) {
		return out
	}
	return m.writeStatus(out, h)
}

// forget drops an owner entirely, releasing its addresses.
func (m *Machine) forget(out []Effect, h *holding) []Effect {
	out = m.drop(out, h)
	m.unwait(h)
	h.gone = true
	delete(m.owners, h.owner.key())
	if m.synced {
		m.forgotten = append(m.forgotten, h)
	}
	return out
}

func (m *Machine) delete(dst []Effect, ev Deleted) ([]Effect, error) {
	h, err := m.held(ev.Owner)
	if err != nil {
		return dst, err
	}
	return m.serveWaiting(m.forget(dst, h), ev.At), nil
}
