package endpoint

import (
	"maps"
	"slices"
)

// HasSynced reports whether the initial list has been marked complete.
func (m *Machine) HasSynced() bool { return m.synced }

// Active returns the active endpoint of a cluster: its greatest present
// endpoint. Every cluster with a present endpoint has one.
func (m *Machine) Active(clusterID string) (Endpoint, bool) {
	c := m.clusters[clusterID]
	if c == nil {
		return Endpoint{}, false
	}
	return c.top.ep, true
}

// Get returns the tracked endpoint of that name, active or stale.
func (m *Machine) Get(name string) (Endpoint, bool) {
	r, ok := m.byName[name]
	if !ok {
		return Endpoint{}, false
	}
	return r.ep, true
}

// Stale reports whether the named endpoint is tracked but superseded.
func (m *Machine) Stale(name string) bool {
	r, ok := m.byName[name]
	if !ok {
		return false
	}
	return r.cluster.top != r
}

// Clusters returns the IDs of the clusters with at least one tracked
// endpoint, sorted.
func (m *Machine) Clusters() []string { return slices.Sorted(maps.Keys(m.clusters)) }

// Stats counts what the machine tracks, for metrics.
type Stats struct {
	Clusters  int // clusters with at least one tracked endpoint
	Endpoints int // tracked endpoints, active and stale
	Active    int // clusters with an active endpoint
	Announced int // endpoints announced and not yet retired
}

// Stats returns the current counts. It walks the state: call it for
// metrics, not per event.
func (m *Machine) Stats() Stats {
	s := Stats{Clusters: len(m.clusters), Endpoints: len(m.byName)}
	s.Active = len(m.clusters) // every cluster with an endpoint has an active one
	for _, r := range m.byName {
		if r.announced {
			s.Announced++
		}
	}
	return s
}
