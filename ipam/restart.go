package ipam

// The restart rule, in one place: until Synced the machine only notes
// what owners' statuses record; at Synced every owner recovers what its
// status records, and when two record one address the older owner keeps
// it (creation time, then namespace/name), whatever order the relist
// delivered them in. An owner observed after Synced recovers too, but the
// owner already holding an address keeps it. Nothing is written for an
// owner that recovered exactly what its status records.

import (
	"fmt"
	"net/netip"
	"slices"
	"time"
)

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
	if len(recorded) != int(h.want) && h.asked == 0 && m.contiguousInPool(recorded) {
		// The count changed while no machine was running: refused, as a
		// running machine refuses it (ErrWantChanged), so the owner keeps
		// what its status records and the condition says why.
		h.asked, h.want = h.want, int32(len(recorded)) // in the pool: at most PoolMaxSize
	}
	if !m.usable(h, recorded) {
		h.lost = lostOutOfPool
		return false
	}
	if m.take(h, recorded) != nil {
		h.lost = lostTaken
		return false
	}
	return true
}

// recovered says that h kept its recorded addresses, if its status does
// not say so already, and has its dependency verified.
func (m *Machine) recovered(out []Effect, h *holding, at time.Time) []Effect {
	if h.asked != 0 {
		out = m.setCondition(out, h, condAllocated, true, ReasonWantChangeRefused, fmt.Sprintf(
			"kept %v, which its status records; the number of addresses cannot change from %d to %d: recreate the object to change it",
			h.addrs, h.want, h.asked), at)
	} else if !h.conds[condAllocated].isTrue() {
		out = m.setCondition(out, h, condAllocated, true, ReasonRecovered, "", at)
	}
	// A status written before the Ready condition existed gets it now;
	// one that has it, consistent, gets nothing.
	m.readyDue(h)
	return m.lookup(out, h)
}

// usable reports whether recorded is what h may hold: as many addresses as
// it wants, contiguous, all in the pool.
func (m *Machine) usable(h *holding, recorded []netip.Addr) bool {
	return len(recorded) == int(h.want) && m.contiguousInPool(recorded)
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
	as := slices.DeleteFunc(m.arrivals, func(a arrival) bool { return a.h.gone })
	m.arrivals = nil
	contested := false
	for _, a := range as {
		if !m.recover(a.h) && a.h.lost == lostTaken {
			contested = true
		}
	}
	if contested {
		for _, a := range as {
			m.unhold(a.h)
		}
		slices.SortFunc(as, compareAge)
		for _, a := range as {
			m.recover(a.h)
		}
	}
	out := dst
	for _, a := range as {
		h := a.h
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
	h.addrs, h.lost = nil, notLost
}

// compareAge orders owners for recovery: the older object first, then the
// smaller namespace/name, so the older of two owners recording one address
// keeps it whatever order the relist delivers them in.
func compareAge(a, b arrival) int {
	if c := a.createdAt.Compare(b.createdAt); c != 0 {
		return c
	}
	return compareKeys(a.h.owner.key(), b.h.owner.key())
}
