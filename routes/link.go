package routes

import (
	"maps"
	"slices"
)

// linkUpdate records a device. A device a remote names, seen at another
// index than before, moves that remote's routes: the last Desired is
// built again, and its routes (same keys, new device) are replaced. Any
// other device costs a map write.
func (m *Machine) linkUpdate(dst []Effect, ev LinkUpdate) ([]Effect, error) {
	if ev.Index <= 0 || ev.Name == "" {
		return dst, &RejectedError{Field: "link", Reason: "an index and a name are needed", Err: ErrInvalidEvent}
	}
	old, seen := m.devices[ev.Name]
	if ev.Deleted {
		switch {
		case !seen || old.index != ev.Index:
			// Another device of that name is there now, or none was seen.
		case m.named[ev.Name]:
			// Kept: until the device returns, its routes stay where they
			// were (the kernel dropped them; their writes fail and are
			// retried when a device appears).
			m.devices[ev.Name] = device{index: ev.Index, gone: true}
		default:
			delete(m.devices, ev.Name)
		}
		return dst, nil
	}
	m.devices[ev.Name] = device{index: ev.Index}
	if !m.named[ev.Name] || seen && !old.gone && old.index == ev.Index {
		return dst, nil
	}
	return m.desired(dst, m.last)
}

// deviceIndex returns the index of the device name, if it was seen and
// not deleted.
func (m *Machine) deviceIndex(name string) (int, bool) {
	d, ok := m.devices[name]
	return d.index, ok && !d.gone
}

// remember keeps ev for a rebuild if a remote names a device: a copy,
// since the caller owns its slices.
func (m *Machine) remember(ev Desired) {
	m.named = nil
	m.last = Desired{}
	for _, r := range ev.Remotes {
		if r.Device != "" {
			if m.named == nil {
				m.named = map[string]bool{}
			}
			m.named[r.Device] = true
		}
	}
	if m.named == nil {
		return
	}
	m.last = Desired{Source: ev.Source, Sources: slices.Clone(ev.Sources), Remotes: slices.Clone(ev.Remotes)}
	for i := range m.last.Remotes {
		m.last.Remotes[i].Subnets = slices.Clone(m.last.Remotes[i].Subnets)
	}
	// Deleted devices no remote names any more are forgotten.
	maps.DeleteFunc(m.devices, func(name string, d device) bool { return d.gone && !m.named[name] })
}

// Devices returns the device names the desired remotes follow, sorted:
// an adapter reports these, at least, with LinkUpdate (after a full
// resync too, in case a re-creation was missed).
func (m *Machine) Devices() []string { return slices.Sorted(maps.Keys(m.named)) }
