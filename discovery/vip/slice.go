package vip

import "fmt"

func (m *Machine) upsertSlice(dst []Effect, s *Slice) ([]Effect, error) {
	if err := s.Validate(); err != nil {
		return dst, err
	}
	usable, local := 0, 0
	for i := range s.Endpoints {
		if s.Endpoints[i].Conditions.Usable() {
			usable++
			if s.Endpoints[i].OnNode(m.node) {
				local++
			}
		}
	}
	key, owner := vipKey{s.Namespace, s.Name}, vipKey{s.Namespace, s.ServiceName}
	r := m.slices[key]
	if r != nil && r.group.key() == owner {
		r.uid = s.UID
		if r.usable == usable && r.usableLocal == local {
			return dst, nil // the common update: nothing that decides changed
		}
		g := r.group
		oldQ := g.qualifies
		g.usable += usable - r.usable
		g.usableLocal += local - r.usableLocal
		r.usable, r.usableLocal = usable, local
		m.decide(g, g.vipList(), oldQ)
		return m.flush(dst), nil
	}
	if r != nil {
		// The label moved the slice to another Service: it leaves the old
		// one first, so each group is decided on its own.
		m.detach(r)
	} else {
		r = &vipSliceRec{}
		m.slices[key] = r
	}
	g := m.group(owner)
	r.uid, r.group, r.index, r.usable, r.usableLocal = s.UID, g, len(g.slices), usable, local
	oldQ := g.qualifies
	g.slices = append(g.slices, r)
	g.usable += usable
	g.usableLocal += local
	m.decide(g, g.vipList(), oldQ)
	return m.flush(dst), nil
}

func (m *Machine) deleteSlice(dst []Effect, ev SliceDeleted) ([]Effect, error) {
	key := vipKey{ev.Namespace, ev.Name}
	r := m.slices[key]
	if r == nil {
		return dst, &RejectedError{Object: "slice", Key: ev.Namespace + "/" + ev.Name, Err: ErrUnknownSlice}
	}
	if ev.UID != "" && ev.UID != r.uid {
		return dst, &RejectedError{Object: "slice", Key: ev.Namespace + "/" + ev.Name, Field: "uid",
			Reason: fmt.Sprintf("stored %q, deleted %q", r.uid, ev.UID), Err: ErrUIDMismatch}
	}
	delete(m.slices, key)
	m.detach(r)
	return m.flush(dst), nil
}

// detach removes r from its group and decides the group again.
func (m *Machine) detach(r *vipSliceRec) {
	g := r.group
	oldQ := g.qualifies
	last := len(g.slices) - 1
	g.slices[r.index] = g.slices[last]
	g.slices[r.index].index = r.index
	g.slices[last] = nil
	g.slices = g.slices[:last]
	g.usable -= r.usable
	g.usableLocal -= r.usableLocal
	r.group = nil
	m.decide(g, g.vipList(), oldQ)
	m.forget(g)
}
