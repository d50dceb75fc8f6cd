package vip

import (
	"net/netip"
	"slices"
)

// HasSynced reports whether both sources have synced, so that the machine
// advertises and withdraws.
func (m *Machine) HasSynced() bool { return m.synced() }

// Advertised returns the VIPs the machine has told the adapter to
// advertise and not withdrawn since, by address.
func (m *Machine) Advertised() []netip.Addr {
	var out []netip.Addr
	for _, a := range sortedVIPs(m.vips) {
		if m.vips[a].advertised {
			out = append(out, a)
		}
	}
	return out
}

// Qualifying returns the sorted "namespace/name" keys of the Services that
// justify vip now, whether or not the machine has synced.
func (m *Machine) Qualifying(vip netip.Addr) []string {
	st := m.vips[vip]
	if st == nil {
		return nil
	}
	return slices.Clone(st.names(true))
}

// Stats counts what a Machine holds, for metrics.
type Stats struct {
	// Services counts the known Services.
	Services int `json:"services"`
	// Slices counts the known EndpointSlices, with or without a known
	// Service.
	Slices int `json:"slices"`
	// VIPs counts the distinct VIPs the known Services list.
	VIPs int `json:"vips"`
	// Advertised counts the VIPs the adapter was last told to advertise.
	Advertised int `json:"advertised"`
}

// Stats counts the known Services and slices, the VIPs they list and the
// advertised VIPs.
func (m *Machine) Stats() Stats {
	s := Stats{Slices: len(m.slices)}
	for _, g := range m.groups {
		if g.svc != nil {
			s.Services++
		}
	}
	for _, st := range m.vips {
		if len(st.users) > 0 {
			s.VIPs++
		}
		if st.advertised {
			s.Advertised++
		}
	}
	return s
}

// HoldsSlice reports whether the machine holds the EndpointSlice of that
// namespace and name: an adapter steps a slice's deletion only then, since
// the machine refuses one it does not know (ErrUnknownSlice).
func (m *Machine) HoldsSlice(namespace, name string) bool {
	return m.slices[vipKey{namespace, name}] != nil
}
