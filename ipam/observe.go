package ipam

import (
	"net/netip"
	"slices"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
)

func (m *Machine) observe(dst []Effect, o *Observed) ([]Effect, error) {
	if err := validateObserved(*o); err != nil {
		return dst, err
	}
	h := m.owners[o.Owner.key()]
	if h != nil && h.owner.UID == o.Owner.UID {
		if h.want != o.Want {
			return dst, &RejectedError{Owner: o.Owner, Field: "want", Err: ErrWantChanged}
		}
		return m.reobserve(dst, h, o), nil
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
	out = m.recover(out, h, o.Status.Addresses, o.At)
	if m.synced && h.addrs == nil {
		out = m.allocateFor(out, h, o.At)
	}
	if h.addrs == nil {
		m.waiting[o.Owner.key()] = h
	}
	return out, nil
}

// reobserve handles a known owner seen again. Its addresses never change
// here: a status that does not show them (a stale cache after a requeue,
// or a write that did not land) gets the write again, not a new address.
func (m *Machine) reobserve(out []Effect, h *holding, o *Observed) []Effect {
	h.depends = o.DependsOn
	h.shown = o.Status.Addresses
	switch {
	case h.addrs == nil && !m.synced && len(o.Status.Addresses) > 0:
		return m.recover(out, h, o.Status.Addresses, o.At)
	case h.addrs == nil || !m.synced || slices.Equal(o.Status.Addresses, h.addrs):
		return out
	}
	return append(out, Effect{Kind: WriteStatus, Owner: h.owner, Addresses: h.addrs})
}

// recover reserves the addresses an owner's status records, if they are
// usable and free. Before the initial list is complete the older owner
// keeps a contested address; after it, the owner already holding it does,
// since it is the one serving traffic.
func (m *Machine) recover(out []Effect, h *holding, recorded []netip.Addr, at time.Time) []Effect {
	if len(recorded) == 0 {
		return out
	}
	if !m.usable(h, recorded) {
		h.lost = ReasonAddressOutOfPool
		return out
	}
	rivals := m.rivals(recorded)
	for _, r := range rivals {
		if m.synced || !h.older(r) {
			h.lost = ReasonAddressTaken
			return out
		}
	}
	for _, r := range rivals {
		m.unhold(r)
		r.lost = ReasonAddressTaken
	}
	addrs := slices.Clone(recorded)
	if err := m.take(h, addrs); err != nil {
		h.lost = ReasonAddressOutOfPool // not reachable: usable and unheld addresses are free
		return out
	}
	if !m.synced {
		return out
	}
	if !meta.IsStatusConditionTrue(h.conds, ConditionAllocated) {
		out = m.setCondition(out, h, ConditionAllocated, true, ReasonRecovered, "kept the address its status records", at)
	}
	if h.depends {
		out = append(out, Effect{Kind: Lookup, Owner: h.owner})
	}
	return out
}

// usable reports whether recorded is what h may hold: as many addresses as
// it wants, contiguous, all in the pool.
func (m *Machine) usable(h *holding, recorded []netip.Addr) bool {
	if len(recorded) != h.want {
		return false
	}
	for i, a := range recorded {
		if !m.pool.Contains(a) || i > 0 && recorded[i-1].Next() != a {
			return false
		}
	}
	return true
}

// rivals returns the owners holding any of addrs, each once, in a fixed
// order.
func (m *Machine) rivals(addrs []netip.Addr) []*holding {
	var out []*holding
	for _, a := range addrs {
		if r := m.holders[a]; r != nil && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// unhold returns h's addresses to the pool without an effect: during
// recovery nothing has been announced yet.
func (m *Machine) unhold(h *holding) {
	if len(h.addrs) == 1 {
		_ = m.pool.Release(h.addrs[0])
	} else if len(h.addrs) > 1 {
		_ = m.pool.ReleaseRange(h.addrs[0], len(h.addrs))
	}
	for _, a := range h.addrs {
		delete(m.holders, a)
	}
	h.addrs = nil
	m.waiting[h.owner.key()] = h
}

// forget drops an owner entirely, releasing its addresses.
func (m *Machine) forget(out []Effect, h *holding) []Effect {
	out = m.drop(out, h)
	delete(m.owners, h.owner.key())
	delete(m.waiting, h.owner.key())
	return out
}

func (m *Machine) delete(dst []Effect, ev Deleted) ([]Effect, error) {
	h, err := m.held(ev.Owner)
	if err != nil {
		return dst, err
	}
	return m.serveWaiting(m.forget(dst, h), ev.At), nil
}

// sync ends recovery: owners that recovered nothing get addresses, by
// namespace/name, and owners with a dependency have it verified.
func (m *Machine) sync(dst []Effect, ev Synced) []Effect {
	if m.synced {
		return dst
	}
	m.synced = true
	out := dst
	for _, h := range m.sorted(m.owners) {
		if h.addrs == nil {
			out = m.allocateFor(out, h, ev.At)
			continue
		}
		if !slices.Equal(h.shown, h.addrs) {
			out = append(out, Effect{Kind: WriteStatus, Owner: h.owner, Addresses: h.addrs})
		}
		if !meta.IsStatusConditionTrue(h.conds, ConditionAllocated) {
			out = m.setCondition(out, h, ConditionAllocated, true, ReasonRecovered, "kept the address its status records", ev.At)
		}
		if h.depends {
			out = append(out, Effect{Kind: Lookup, Owner: h.owner})
		}
	}
	return out
}
