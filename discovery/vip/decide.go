package vip

import (
	"maps"
	"net/netip"
	"slices"

	"github.com/meshstate/meshstate/internal/attempts"
)

// decide updates the counts of g's VIPs after g changed: it had oldVIPs
// and qualified as oldQ. It only notes the VIPs that may have changed; the
// step's flush decides them all at once, so that a slice moving between
// two services sharing a VIP does not withdraw it in between. Only g's VIPs
// are looked at: a step costs O(what it touches), not O(the world).
func (m *Machine) decide(g *vipGroup, oldVIPs []netip.Addr, oldQ bool) {
	newVIPs := g.vipList()
	newQ := m.qualifies(g)
	g.qualifies = newQ
	if slices.Equal(oldVIPs, newVIPs) {
		if oldQ == newQ {
			return
		}
		delta := 1
		if !newQ {
			delta = -1
		}
		for i, a := range newVIPs {
			st := g.states[i]
			st.qualifying += delta
			m.touched = append(m.touched, touchedVIP{a, st})
		}
		return
	}
	for i, a := range oldVIPs {
		st := g.states[i]
		i := slices.Index(st.users, g)
		st.users = slices.Delete(st.users, i, i+1)
		if oldQ {
			st.qualifying--
		}
		m.touched = append(m.touched, touchedVIP{a, st})
	}
	// The old states are all read: g.statesBuf may be reused.
	states := g.statesBuf[:0]
	if len(newVIPs) > len(g.statesBuf) {
		states = make([]*vipState, 0, len(newVIPs))
	}
	for _, a := range newVIPs {
		st := m.vip(a)
		st.users = append(st.users, g)
		if newQ {
			st.qualifying++
		}
		states = append(states, st)
		m.touched = append(m.touched, touchedVIP{a, st})
	}
	if len(states) != 1 {
		g.statesBuf[0] = nil // not listed: let it be collected once dropped
	}
	g.states = states
}

// flush emits the effects of the VIPs the step touched, by address, and
// forgets those nothing refers to any more.
func (m *Machine) flush(dst []Effect) []Effect {
	if len(m.touched) == 0 {
		return dst
	}
	if len(m.touched) > 1 {
		slices.SortFunc(m.touched, func(x, y touchedVIP) int { return compareVIPs(x.addr, y.addr) })
		m.touched = slices.CompactFunc(m.touched, func(x, y touchedVIP) bool { return x.addr == y.addr })
	}
	dst = m.reconcile(dst, m.touched)
	for _, t := range m.touched {
		m.dropState(t.addr, t.st)
	}
	clear(m.touched) // no pointers kept past the step
	m.touched = m.touched[:0]
	return dst
}

// reconcile emits the effects that bring the adapter's view of vips, in
// the order given, to what they qualify for. Before sync it emits nothing.
func (m *Machine) reconcile(dst []Effect, vips []touchedVIP) []Effect {
	if !m.synced() {
		return dst
	}
	for _, t := range vips {
		if want := t.st.qualifying > 0; want != t.st.advertised {
			dst = m.decision(dst, t.addr, t.st)
		}
	}
	return dst
}

// decision emits what the machine wants for a now, Advertise or Withdraw,
// and records it as told. A new effect supersedes a pending retry of the
// VIP: the retry would only repeat what the effect says.
func (m *Machine) decision(dst []Effect, a netip.Addr, st *vipState) []Effect {
	st.retry.Pending = false
	st.advertised = st.qualifying > 0
	if st.advertised {
		return append(dst, Effect{Kind: Advertise, VIP: a, Services: st.justifying()})
	}
	return append(dst, Effect{Kind: Withdraw, VIP: a, Services: st.names(false)})
}

// drop forgets a VIP that nothing refers to any more, unless a retry of
// it is pending or its last retried write has not come back Done: a
// failed Withdraw is retried even though no Service lists the VIP.
func (m *Machine) drop(a netip.Addr) {
	if st := m.vips[a]; st != nil {
		m.dropState(a, st)
	}
}

// dropState is drop given a's state.
func (m *Machine) dropState(a netip.Addr, st *vipState) {
	if len(st.users) == 0 && !st.advertised && !st.previously && st.retry == (attempts.Attempts{}) {
		delete(m.vips, a)
	}
}

func (m *Machine) markSynced(dst []Effect, flag *bool) []Effect {
	if *flag {
		return dst
	}
	*flag = true
	if !m.synced() {
		return dst
	}
	// The whole desired set at once, by address: every qualifying VIP, and
	// a withdrawal of each VIP announced before a restart that no longer
	// qualifies. One pass that decides each VIP, then one sort of the
	// effects: each VIP's decision depends on it alone, and deciding as
	// the pass reaches it touches its state once, not twice.
	start := len(dst)
	for a, st := range m.vips {
		if st.qualifying > 0 || st.previously {
			dst = m.decision(dst, a, st)
			st.previously = false
			m.dropState(a, st) // deleting the entry being visited is safe
		}
	}
	slices.SortFunc(dst[start:], func(x, y Effect) int { return compareVIPs(x.VIP, y.VIP) })
	return dst
}

// justifying returns the sorted keys of the qualifying users.
func (st *vipState) justifying() []string {
	if st.qualifying == 1 {
		for _, g := range st.users {
			if g.qualifies {
				return g.name() // shared: the common case allocates nothing
			}
		}
	}
	return st.names(true)
}

// names returns the sorted keys of the users, only the qualifying ones if
// qualifying is set; nil if there are none.
func (st *vipState) names(qualifying bool) []string {
	var out []string
	for _, g := range st.users {
		if !qualifying || g.qualifies {
			out = append(out, g.name()[0])
		}
	}
	slices.Sort(out)
	return out
}

// sortedVIPs returns the keys of set by address.
func sortedVIPs[V any](set map[netip.Addr]V) []netip.Addr {
	return slices.SortedFunc(maps.Keys(set), compareVIPs)
}
