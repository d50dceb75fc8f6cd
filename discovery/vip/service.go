package vip

import (
	"fmt"
	"net/netip"
	"slices"
)

func (m *Machine) upsertService(dst []Effect, s *Service) ([]Effect, error) {
	if err := s.Validate(); err != nil {
		return dst, err
	}
	g := m.group(vipKey{s.Namespace, s.Name})
	if g.svc != nil && g.svc.sameDecision(s) {
		g.svc.UID = s.UID // a new incarnation that decides the same
		return dst, nil
	}
	oldVIPs, oldQ := g.vipList(), g.qualifies
	var oldBuf [1]netip.Addr
	if len(oldVIPs) == 1 { // it may be g.vipsBuf, which is rewritten below
		oldBuf[0] = oldVIPs[0]
		oldVIPs = oldBuf[:]
	}
	g.stored = *s
	// A copy: the caller may reuse its slice, and the stored VIPs index
	// the reference counts, so they must not change under the machine.
	if len(s.VIPs) == 1 {
		g.vipsBuf[0] = s.VIPs[0]
		g.stored.VIPs = g.vipsBuf[:]
	} else {
		g.stored.VIPs = slices.Clone(s.VIPs)
	}
	g.svc = &g.stored
	if g.svc.Announced() {
		// Its effects will name it: build the name while the key's
		// strings are in cache, not at the synced marker, which would
		// fetch them again for every VIP.
		g.name()
	}
	m.decide(g, oldVIPs, oldQ)
	return m.flush(dst), nil
}

func (m *Machine) deleteService(dst []Effect, ev ServiceDeleted) ([]Effect, error) {
	key := vipKey{ev.Namespace, ev.Name}
	g := m.groups[key]
	if g == nil || g.svc == nil {
		return dst, &RejectedError{Object: "service", Key: ev.Namespace + "/" + ev.Name, Err: ErrUnknownService}
	}
	if ev.UID != "" && ev.UID != g.svc.UID {
		return dst, &RejectedError{Object: "service", Key: ev.Namespace + "/" + ev.Name, Field: "uid",
			Reason: fmt.Sprintf("stored %q, deleted %q", g.svc.UID, ev.UID), Err: ErrUIDMismatch}
	}
	oldVIPs, oldQ := g.vipList(), g.qualifies
	g.svc, g.stored = nil, Service{Namespace: g.stored.Namespace, Name: g.stored.Name}
	m.decide(g, oldVIPs, oldQ)
	m.forget(g)
	return m.flush(dst), nil
}
