package endpointtest

import (
	"maps"
	"slices"
	"strings"

	"github.com/meshstate/meshstate/endpoint"
)

// Model is a deliberately naive reference for the machine: it keeps the
// present endpoints only, with no history, and answers every query by brute
// force: a cluster's active endpoint is its greatest present one, and every
// other is stale. It uses endpoint.ByCreation with names as the final
// tie-breaker.
type Model struct {
	present map[string]endpoint.Endpoint
	synced  bool
}

// NewModel returns an empty model.
func NewModel() *Model {
	return &Model{present: map[string]endpoint.Endpoint{}}
}

func greater(a, b *endpoint.Endpoint) bool {
	if c := endpoint.ByCreation(a, b); c != 0 {
		return c > 0
	}
	return strings.Compare(a.Name, b.Name) > 0
}

// Rejects reports whether the machine must refuse ev, by the rules the
// package documents. It does not change the model.
func (m *Model) Rejects(ev endpoint.Event) bool {
	switch ev := ev.(type) {
	case endpoint.Upsert:
		ep := ev.Endpoint
		if m.resync(ep) {
			return false
		}
		if ep.Validate() != nil {
			return true
		}
		old, ok := m.present[ep.Name]
		if !ok || (old.UID != "" && ep.UID != "" && old.UID != ep.UID) {
			return false
		}
		return old.ClusterID != ep.ClusterID || endpoint.ByCreation(&old, &ep) != 0
	case endpoint.Delete:
		old, ok := m.present[ev.Name]
		return !ok || (ev.UID != "" && old.UID != "" && ev.UID != old.UID)
	case endpoint.Synced:
		return false
	}
	return true
}

// Apply changes the model by ev, which must not be rejected.
func (m *Model) Apply(ev endpoint.Event) {
	switch ev := ev.(type) {
	case endpoint.Upsert:
		ep := ev.Endpoint
		if m.resync(ep) {
			return
		}
		if old, ok := m.present[ep.Name]; ok && old.UID != "" && ep.UID != "" && old.UID != ep.UID {
			m.remove(ep.Name)
		} else if ok && ep.UID == "" {
			ep.UID = old.UID
		}
		m.present[ep.Name] = ep
	case endpoint.Delete:
		m.remove(ev.Name)
	case endpoint.Synced:
		m.synced = true
	}
}

// resync reports whether ep carries the stored resource version: the
// machine then takes it as unchanged, unread, as versions are unique.
func (m *Model) resync(ep endpoint.Endpoint) bool {
	old, ok := m.present[ep.Name]
	return ok && ep.ResourceVersion != "" && ep.ResourceVersion == old.ResourceVersion
}

func (m *Model) remove(name string) { delete(m.present, name) }

func (m *Model) members(cluster string) []endpoint.Endpoint {
	var out []endpoint.Endpoint
	for _, name := range slices.Sorted(maps.Keys(m.present)) {
		if ep := m.present[name]; ep.ClusterID == cluster {
			out = append(out, ep)
		}
	}
	return out
}

// Active returns the endpoint the machine must hold active for cluster.
func (m *Model) Active(cluster string) (endpoint.Endpoint, bool) {
	var top *endpoint.Endpoint
	members := m.members(cluster)
	for i := range members {
		if top == nil || greater(&members[i], top) {
			top = &members[i]
		}
	}
	if top == nil {
		return endpoint.Endpoint{}, false
	}
	return *top, true
}

// Present returns the endpoint of that name, if present.
func (m *Model) Present(name string) (endpoint.Endpoint, bool) {
	ep, ok := m.present[name]
	return ep, ok
}

// Stale reports whether the named endpoint is present and a greater one of
// its cluster is present too.
func (m *Model) Stale(name string) bool {
	ep, ok := m.present[name]
	if !ok {
		return false
	}
	top, _ := m.Active(ep.ClusterID)
	return top.Name != name
}

// Synced reports whether the model has seen Synced.
func (m *Model) Synced() bool { return m.synced }

// Clusters returns the clusters with a present endpoint, sorted.
func (m *Model) Clusters() []string {
	set := map[string]bool{}
	for _, ep := range m.present {
		set[ep.ClusterID] = true
	}
	return slices.Sorted(maps.Keys(set))
}

// Objects returns the present endpoints sorted by name: what a relist
// delivers.
func (m *Model) Objects() []endpoint.Endpoint {
	out := make([]endpoint.Endpoint, 0, len(m.present))
	for _, name := range slices.Sorted(maps.Keys(m.present)) {
		out = append(out, m.present[name])
	}
	return out
}
