package endpoint

import (
	"fmt"
	"maps"
	"slices"

	"github.com/meshstate/meshstate/internal/k8sname"
)

// Config configures a Machine.
type Config struct {
	// LocalClusterID is this cluster's ID: its endpoints yield the Local
	// notification kinds. Empty means every endpoint is remote.
	LocalClusterID string `json:"localClusterID,omitempty"`
	// Compare orders the endpoints of one cluster; nil means ByCreation. The
	// machine breaks the ties Compare leaves by name, so the order is total.
	Compare Compare `json:"-"`
}

// Machine tracks the endpoints of every cluster and decides which one is
// active for each: the greatest present endpoint of its cluster, unless that
// endpoint has been superseded while present (it is then stale, and a stale
// endpoint is never resurrected by deleting the endpoint that superseded it).
//
// A Machine is a plain value without goroutines, clock or I/O; it is not safe
// for concurrent use.
type Machine struct {
	local    string
	cmp      Compare
	byName   map[string]*record
	clusters map[string]*cluster
	synced   bool
}

type record struct {
	ep        Endpoint
	announced bool // a Created notification was emitted and no retirement yet
}

// cluster holds the present endpoints of one cluster. Every member but top
// is stale; top is active only while live.
type cluster struct {
	members []*record
	top     *record
	live    bool
}

// New returns an empty machine.
func New(cfg Config) (*Machine, error) {
	if cfg.LocalClusterID != "" {
		if r := k8sname.Label(cfg.LocalClusterID); r != "" {
			return nil, fmt.Errorf("%w: localClusterID %q %s", ErrInvalidConfig, cfg.LocalClusterID, r)
		}
	}
	cmp := cfg.Compare
	if cmp == nil {
		cmp = ByCreation
	}
	return &Machine{
		local:    cfg.LocalClusterID,
		cmp:      cmp,
		byName:   make(map[string]*record),
		clusters: make(map[string]*cluster),
	}, nil
}

// Step applies one event and returns the notifications it causes, in the
// order handlers must see them. A rejected event returns an error wrapping
// one of the package's sentinels and leaves the state unchanged.
func (m *Machine) Step(ev Event) ([]Notification, error) {
	switch ev := ev.(type) {
	case Upsert:
		return m.Upsert(ev.Endpoint)
	case *Upsert:
		if ev != nil {
			return m.Upsert(ev.Endpoint)
		}
	case Delete:
		return m.Delete(ev.Name, ev.UID)
	case *Delete:
		if ev != nil {
			return m.Delete(ev.Name, ev.UID)
		}
	case Synced, *Synced:
		return m.MarkSynced(), nil
	}
	return nil, &RejectedError{Reason: fmt.Sprintf("%T", ev), Err: ErrInvalidEvent}
}

// Upsert adds or updates an endpoint; it is Step(Upsert{ep}) without boxing
// the event. An endpoint whose UID differs from the stored one of the same
// name is a new object: the old one is deleted first, exactly as if the
// informer had delivered both events.
func (m *Machine) Upsert(ep Endpoint) ([]Notification, error) {
	if err := ep.Validate(); err != nil {
		return nil, err
	}
	r, ok := m.byName[ep.Name]
	if !ok {
		return m.add(ep, nil), nil
	}
	if r.ep.UID != "" && ep.UID != "" && r.ep.UID != ep.UID {
		return m.add(ep, m.remove(r)), nil
	}
	if ep.UID == "" {
		ep.UID = r.ep.UID // an update that does not know the UID does not erase it
	}
	if r.ep.ClusterID != ep.ClusterID {
		return nil, &RejectedError{Name: ep.Name, Field: "clusterID",
			Reason: fmt.Sprintf("%q to %q", r.ep.ClusterID, ep.ClusterID), Err: ErrClusterChanged}
	}
	if m.cmp(&r.ep, &ep) != 0 {
		return nil, &RejectedError{Name: ep.Name, Err: ErrOrderChanged}
	}
	if r.ep.Equal(&ep) {
		return nil, nil
	}
	r.ep = ep
	if c := m.clusters[ep.ClusterID]; c.live && c.top == r && r.announced {
		return []Notification{{Kind: m.kind(r, LocalEndpointUpdated, RemoteEndpointUpdated), Endpoint: r.ep}}, nil
	}
	return nil, nil
}

// Delete removes the named endpoint; it is Step(Delete{name, uid}). A
// non-empty uid must match the stored object's.
func (m *Machine) Delete(name, uid string) ([]Notification, error) {
	r, ok := m.byName[name]
	if !ok {
		return nil, &RejectedError{Name: name, Err: ErrUnknownEndpoint}
	}
	if uid != "" && r.ep.UID != "" && uid != r.ep.UID {
		return nil, &RejectedError{Name: name, Field: "uid",
			Reason: fmt.Sprintf("stored %q, deleted %q", r.ep.UID, uid), Err: ErrUIDMismatch}
	}
	return m.remove(r), nil
}

// MarkSynced records that the initial list is complete; it is Step(Synced{}).
// The first call announces the active endpoint of every cluster, the local
// one first and then by cluster ID; later calls do nothing.
func (m *Machine) MarkSynced() []Notification {
	if m.synced {
		return nil
	}
	m.synced = true
	var out []Notification
	if c := m.clusters[m.local]; c != nil && c.live {
		out = m.announce(c.top, out)
	}
	for _, id := range slices.Sorted(maps.Keys(m.clusters)) {
		if c := m.clusters[id]; id != m.local && c.live {
			out = m.announce(c.top, out)
		}
	}
	return out
}

func (m *Machine) add(ep Endpoint, out []Notification) []Notification {
	r := &record{ep: ep}
	m.byName[ep.Name] = r
	c := m.clusters[ep.ClusterID]
	if c == nil {
		c = &cluster{}
		m.clusters[ep.ClusterID] = c
	}
	c.members = append(c.members, r)
	if c.top == nil || total(m.cmp, &r.ep, &c.top.ep) > 0 {
		// The old top, if any, is superseded: it stays stale until deleted.
		c.top, c.live = r, true
		if m.synced {
			out = m.announce(r, out)
		}
	}
	return out
}

func (m *Machine) remove(r *record) []Notification {
	delete(m.byName, r.ep.Name)
	c := m.clusters[r.ep.ClusterID]
	i := slices.Index(c.members, r)
	last := len(c.members) - 1
	c.members[i] = c.members[last]
	c.members[last] = nil
	c.members = c.members[:last]

	active := c.top == r && c.live
	if c.top == r {
		// The next greatest present endpoint was superseded by r, so it
		// stays stale: deleting the active endpoint resurrects nothing.
		c.top, c.live = m.greatest(c.members), false
	}
	if len(c.members) == 0 {
		delete(m.clusters, r.ep.ClusterID)
	}
	if !r.announced {
		return nil
	}
	r.announced = false
	kind := m.kind(r, StaleLocalEndpointRemoved, StaleRemoteEndpointRemoved)
	if active {
		kind = m.kind(r, LocalEndpointRemoved, RemoteEndpointRemoved)
	}
	return []Notification{{Kind: kind, Endpoint: r.ep}}
}

func (m *Machine) greatest(rs []*record) *record {
	var top *record
	for _, r := range rs {
		if top == nil || total(m.cmp, &r.ep, &top.ep) > 0 {
			top = r
		}
	}
	return top
}

func (m *Machine) announce(r *record, out []Notification) []Notification {
	r.announced = true
	return append(out, Notification{Kind: m.kind(r, LocalEndpointCreated, RemoteEndpointCreated), Endpoint: r.ep})
}

func (m *Machine) kind(r *record, local, remote Kind) Kind {
	if m.local != "" && r.ep.ClusterID == m.local {
		return local
	}
	return remote
}
