package health

import "net/netip"

// Len returns how many endpoints are tracked (and probed).
func (m *Machine) Len() int { return len(m.tracks) }

// Status returns the status of a tracked endpoint.
func (m *Machine) Status(name string) (EndpointStatus, bool) {
	t := m.tracks[name]
	if t == nil {
		return EndpointStatus{}, false
	}
	return t.snapshot(), true
}

// Statuses returns every tracked endpoint's status, by name, in a new
// slice.
func (m *Machine) Statuses() []EndpointStatus {
	out := make([]EndpointStatus, 0, len(m.names))
	for _, n := range m.names {
		out = append(out, m.tracks[n].snapshot())
	}
	return out
}

// Prober returns the IP and generation of a tracked endpoint's running
// prober.
func (m *Machine) Prober(name string) (ip netip.Addr, generation uint64, ok bool) {
	t := m.tracks[name]
	if t == nil {
		return netip.Addr{}, 0, false
	}
	return t.ip, t.gen, true
}

func (t *track) snapshot() EndpointStatus {
	return EndpointStatus{Endpoint: t.name, ClusterID: t.cluster, IP: t.ip, Status: t.status,
		Reason: t.reason, Results: t.win.n, Lost: t.win.losses, Latency: t.win.stats()}
}
