package ipam

import (
	"net/netip"
	"slices"
)

// HasSynced reports whether the initial list has been marked complete.
func (m *Machine) HasSynced() bool { return m.synced }

// Holding is one owner and the addresses it holds (none while it waits).
type Holding struct {
	// Owner is the owner.
	Owner Owner `json:"owner"`
	// Addresses are the addresses the owner holds; none while it
	// waits for free ones.
	Addresses []netip.Addr `json:"addresses,omitempty"`
	// Retiring are addresses the owner gave up for new ones but may still
	// record in its status: allocated, and given to nobody else, until the
	// status shows the new ones.
	Retiring []netip.Addr `json:"retiring,omitempty"`
	// Dependency is what the owner's dependency is known to carry, and
	// DependencyKnown whether that is known: not after a restart until a
	// lookup answers, nor after an ensure whose answer was lost. A
	// dependency known to carry other addresses than the owner holds is
	// being repaired.
	Dependency []netip.Addr `json:"dependency,omitempty"`
	// DependencyKnown says whether Dependency is known (see above).
	DependencyKnown bool `json:"dependencyKnown,omitempty"`
}

// Addresses returns what the owner at namespace/name holds.
func (m *Machine) Addresses(namespace, name string) ([]netip.Addr, bool) {
	h := m.owners[ownerKey{namespace, name}]
	if h == nil {
		return nil, false
	}
	return slices.Clone(h.addrs), true
}

// Holdings returns every owner with its addresses, by namespace/name.
func (m *Machine) Holdings() []Holding {
	out := make([]Holding, 0, len(m.owners))
	for _, h := range m.sorted(m.owners) {
		out = append(out, Holding{Owner: h.owner, Addresses: slices.Clone(h.addrs), Retiring: slices.Clone(h.retiring),
			Dependency: slices.Clone(h.dep.carried), DependencyKnown: h.dep.known})
	}
	return out
}

// Stats counts what the machine holds, for metrics.
type Stats struct {
	Owners   int           // owners tracked
	Waiting  int           // owners without addresses
	Prefixes []PrefixStats // size, free and allocated per prefix
}

// Stats returns the current counts.
func (m *Machine) Stats() Stats {
	return Stats{Owners: len(m.owners), Waiting: len(m.waiting), Prefixes: m.pool.Stats()}
}

// Pool returns a snapshot of the machine's pool, for inspection; changing
// it does not change the machine.
func (m *Machine) Pool() ([]byte, error) { return m.pool.MarshalBinary() }
