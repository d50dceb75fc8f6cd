package cni

// The machine keeps Choose's answer as an index instead of recomputing it
// over every link on every event: a burst of a thousand links, or churn of
// their addresses, would otherwise cost O(links) per event (issue 13: 2 ms
// per event at 5,000 links). Only links holding a pod-CIDR address
// (candidates) can be chosen, and an event changes one link, so it either
// leaves the best alone, makes the changed link the new best, or (when the
// best itself stops qualifying or goes down) asks for a scan of the
// candidates, which are normally one or two links, never every link.
//
// The result equals Choose over Links() (the property tests check it
// against a brute-force model), and does not depend on map iteration
// order: better is a total order, since ifindexes are unique.

// touch re-evaluates link i after an event changed it (or removed it, when
// s is nil); wasUp is whether it was up before the event.
func (m *Machine) touch(i int, s *linkState, wasUp bool) {
	isCand := false
	if s != nil && s.known {
		s.match, isCand = matching(s.addrs, m.cfg.PodCIDRs)
	}
	if isCand {
		m.cands[i] = struct{}{}
	} else {
		delete(m.cands, i)
	}
	switch {
	case m.best == i:
		// The best degrades only by leaving the candidates or going down;
		// otherwise it still beats every other candidate.
		if !isCand || (wasUp && !s.up) {
			m.rescan()
		}
	case !isCand:
	case m.best == 0:
		m.best = i
	default:
		b := m.links[m.best]
		if better(s.up, i, b.up, m.best) {
			m.best = i
		}
	}
}

// rescan finds the best candidate: O(candidates).
func (m *Machine) rescan() {
	m.best = 0
	bestUp := false
	for i := range m.cands {
		s := m.links[i]
		if m.best == 0 || better(s.up, i, bestUp, m.best) {
			m.best, bestUp = i, s.up
		}
	}
}

// reindex rebuilds the candidates after a Snapshot replaced every link.
func (m *Machine) reindex() {
	clear(m.cands)
	for i, s := range m.links {
		if s.known {
			var ok bool
			if s.match, ok = matching(s.addrs, m.cfg.PodCIDRs); ok {
				m.cands[i] = struct{}{}
			}
		}
	}
	m.rescan()
}

// choice returns the best candidate as a Choice.
func (m *Machine) choice() (Choice, bool) {
	if m.best == 0 {
		return Choice{}, false
	}
	s := m.links[m.best]
	return Choice{Interface: s.name, Index: m.best, Address: s.match}, true
}
