package ipam

import (
	"fmt"
	"net/netip"
	"slices"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
)

// observe takes an owner as the informer reports it. The machine keeps
// o.Status.Addresses: callers must not modify the slice afterwards.
func (m *Machine) observe(dst []Effect, o *Observed) ([]Effect, error) {
	if err := validateObserved(o); err != nil {
		return dst, err
	}
	h := m.owners[o.Owner.key()]
	if h != nil && h.owner.UID == o.Owner.UID {
		if h.want != o.Want {
			return dst, &RejectedError{Owner: o.Owner, Field: "want", Err: ErrWantChanged}
		}
		out := dst
		if h.asked != 0 {
			// The refused count was put back: nothing is refused now.
			h.asked = 0
			out = m.setCondition(out, h, ConditionAllocated, true, ReasonRecovered, "kept the address its status records", o.At)
		}
		return m.settled(m.reobserve(out, h, o), h, o.At), nil
	}
	out := dst
	if h != nil {
		// A new incarnation under the same name: the old owner is gone, and
		// its addresses may serve someone waiting.
		out = m.serveWaiting(m.forget(out, h), o.At)
	}
	h = &holding{owner: o.Owner, createdAt: o.CreatedAt, want: o.Want, depends: o.DependsOn}
	h.conds = append(h.condBuf[:0], o.Status.Conditions...)
	h.shown = o.Status.Addresses
	m.owners[o.Owner.key()] = h
	if !m.synced {
		m.arrivals = append(m.arrivals, h)
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

// recover reserves the addresses h's status records, if they are what h
// may hold (as many as it wants, contiguous, in the pool) and free, and
// otherwise notes why not. At Synced the older of two owners recording one
// address keeps it; after Synced the owner already holding it keeps it,
// since it is the one serving traffic.
func (m *Machine) recover(h *holding) bool {
	recorded := h.shown
	if len(recorded) == 0 {
		return false
	}
	if len(recorded) != h.want && h.asked == 0 && m.contiguousInPool(recorded) {
		// The count changed while no machine was running: refused, as a
		// running machine refuses it (ErrWantChanged), so the owner keeps
		// what its status records and the condition says why.
		h.asked, h.want = h.want, len(recorded)
	}
	if !m.usable(h, recorded) {
		h.lost = ReasonAddressOutOfPool
		return false
	}
	if m.take(h, recorded) != nil {
		h.lost = ReasonAddressTaken
		return false
	}
	return true
}

// recovered says that h kept its recorded addresses, if its status does
// not say so already, and has its dependency verified.
func (m *Machine) recovered(out []Effect, h *holding, at time.Time) []Effect {
	if h.asked != 0 {
		out = m.setCondition(out, h, ConditionAllocated, true, ReasonWantChangeRefused, fmt.Sprintf(
			"kept the %d addresses its status records; the number of addresses cannot change from %d to %d: recreate the object to change it",
			h.want, h.want, h.asked), at)
		return m.lookup(out, h)
	}
	if !meta.IsStatusConditionTrue(h.conds, ConditionAllocated) {
		out = m.setCondition(out, h, ConditionAllocated, true, ReasonRecovered, "kept the address its status records", at)
	}
	return m.lookup(out, h)
}

// usable reports whether recorded is what h may hold: as many addresses as
// it wants, contiguous, all in the pool.
func (m *Machine) usable(h *holding, recorded []netip.Addr) bool {
	return len(recorded) == h.want && m.contiguousInPool(recorded)
}

// contiguousInPool reports whether recorded is a contiguous range within
// the pool.
func (m *Machine) contiguousInPool(recorded []netip.Addr) bool {
	for i, a := range recorded {
		if !m.pool.Contains(a) || i > 0 && recorded[i-1].Next() != a {
			return false
		}
	}
	return true
}

// forget drops an owner entirely, releasing its addresses.
func (m *Machine) forget(out []Effect, h *holding) []Effect {
	out = m.drop(out, h)
	m.unwait(h)
	h.gone = true
	delete(m.owners, h.owner.key())
	return out
}

func (m *Machine) delete(dst []Effect, ev Deleted) ([]Effect, error) {
	h, err := m.held(ev.Owner)
	if err != nil {
		return dst, err
	}
	return m.serveWaiting(m.forget(dst, h), ev.At), nil
}

// sync ends recovery: owners recover the addresses their statuses record;
// then owners that recovered nothing get new addresses and the others have
// their dependencies verified, in the order the owners arrived. If any
// recorded address is contested, recovery starts over oldest first
// (creation time, then namespace/name), so who keeps it does not depend on
// the order the relist delivered the owners in.
func (m *Machine) sync(dst []Effect, ev Synced) []Effect {
	if m.synced {
		return dst
	}
	m.synced = true
	hs := slices.DeleteFunc(m.arrivals, func(h *holding) bool { return h.gone })
	m.arrivals = nil
	contested := false
	for _, h := range hs {
		if !m.recover(h) && h.lost == ReasonAddressTaken {
			contested = true
		}
	}
	if contested {
		for _, h := range hs {
			m.unhold(h)
		}
		slices.SortFunc(hs, compareAge)
		for _, h := range hs {
			m.recover(h)
		}
	}
	out := dst
	for _, h := range hs {
		if h.addrs != nil {
			out = m.recovered(out, h, ev.At)
		} else {
			out = m.allocateFor(out, h, ev.At)
		}
	}
	return out
}

// unhold returns h's addresses to the pool without an effect: during
// recovery nothing has been said yet.
func (m *Machine) unhold(h *holding) {
	m.free(h.addrs)
	h.addrs, h.lost = nil, ""
}
