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
// active for each: the greatest present endpoint of its cluster in the total
// order (see Compare). Every other present endpoint is stale.
//
// A Machine is a plain value without goroutines, clock or I/O; it is not safe
// for concurrent use.
type Machine struct {
	local    string
	custom   Compare // nil: ByCreation, called directly so that it inlines
	scratch  Endpoint
	byName   map[string]*record
	clusters map[string]*cluster
	synced   bool
}

type record struct {
	ep        Endpoint
	version   version  // ep.ResourceVersion, parsed
	cluster   *cluster // saves a lookup by cluster ID on every update and delete
	announced bool     // a Created notification was emitted and no retirement yet
}

// cluster holds the present endpoints of one cluster. Every member but top
// is stale; top is the active one.
type cluster struct {
	id      string // shared by the members' ClusterID: 10,000 clusters' IDs stay in cache
	members []*record
	top     *record
}

// New returns an empty machine.
func New(cfg Config) (*Machine, error) {
	if cfg.LocalClusterID != "" {
		if r := k8sname.Label(cfg.LocalClusterID); r != "" {
			return nil, fmt.Errorf("%w: localClusterID %q %s", ErrInvalidConfig, cfg.LocalClusterID, r)
		}
	}
	return &Machine{
		local:    cfg.LocalClusterID,
		custom:   cfg.Compare,
		byName:   make(map[string]*record),
		clusters: make(map[string]*cluster),
	}, nil
}

// Step applies one event and returns the notifications it causes, in the
// order handlers must see them. A rejected event returns an error wrapping
// one of the package's sentinels and leaves the state unchanged.
func (m *Machine) Step(ev Event) ([]Effect, error) { return m.AppendStep(nil, ev) }

// AppendStep is Step appending the notifications to dst, so that a caller
// that reuses its buffer steps without allocating. On error dst is
// returned unchanged.
func (m *Machine) AppendStep(dst []Effect, ev Event) ([]Effect, error) {
	switch ev := ev.(type) {
	case Upsert:
		return m.upsert(dst, &ev.Endpoint)
	case *Upsert:
		if ev != nil {
			return m.upsert(dst, &ev.Endpoint)
		}
	case Delete:
		return m.delete(dst, ev.Name, ev.UID)
	case *Delete:
		if ev != nil {
			return m.delete(dst, ev.Name, ev.UID)
		}
	case Synced:
		return m.markSynced(dst), nil
	case *Synced:
		if ev != nil {
			return m.markSynced(dst), nil
		}
	}
	return dst, &RejectedError{Reason: fmt.Sprintf("%T", ev), Err: ErrInvalidEvent}
}

// Upsert adds or updates an endpoint; it is Step(Upsert{ep}) without boxing
// the event. An endpoint whose UID differs from the stored one of the same
// name is a new object: the old one is deleted first, as if the informer
// had delivered both events, except that an endpoint that would be active
// only between the two is not announced.
func (m *Machine) Upsert(ep Endpoint) ([]Effect, error) { return m.upsert(nil, &ep) }

// Delete removes the named endpoint; it is Step(Delete{name, uid}). A
// non-empty uid must match the stored object's.
func (m *Machine) Delete(name, uid string) ([]Effect, error) { return m.delete(nil, name, uid) }

// MarkSynced records that the initial list is complete; it is Step(Synced{}).
// The first call announces the active endpoint of every cluster, the local
// one first and then by cluster ID; later calls do nothing.
func (m *Machine) MarkSynced() []Effect { return m.markSynced(nil) }

func (m *Machine) upsert(dst []Effect, ep *Endpoint) ([]Effect, error) {
	r, ok := m.byName[ep.Name]
	if !ok {
		if err := ep.Validate(); err != nil {
			return dst, err
		}
		return m.add(dst, ep), nil
	}
	// Resource versions are unique across objects and writes, so the same
	// version is the same object, unchanged: an informer resync.
	if ep.ResourceVersion != "" && r.version.is(ep.ResourceVersion) {
		return dst, nil
	}
	if r.ep.UID != "" && ep.UID != "" && r.ep.UID != ep.UID {
		if err := ep.Validate(); err != nil {
			return dst, err
		}
		return m.replace(dst, r, ep), nil
	}
	if err := ep.validateAgainst(&r.ep); err != nil {
		return dst, err
	}
	if r.ep.ClusterID != ep.ClusterID {
		return dst, &RejectedError{Name: ep.Name, Field: "clusterID",
			Reason: fmt.Sprintf("%q to %q", r.ep.ClusterID, ep.ClusterID), Err: ErrClusterChanged}
	}
	if m.moved(&r.ep, ep) {
		return dst, &RejectedError{Name: ep.Name, Err: ErrOrderChanged}
	}
	// An update that does not know the UID neither changes nor erases it.
	// A non-empty version that is not the stored one (the resync check
	// above: r.version.is(s) holds exactly when the stored version is s)
	// already makes the content differ; sameContent would only read the
	// stored version's bytes, a cache miss, to learn it again.
	if ep.ResourceVersion == "" && (ep.UID == "" || ep.UID == r.ep.UID) && r.ep.sameContent(ep) {
		return dst, nil
	}
	m.store(r, ep)
	if r.cluster.top == r && r.announced {
		dst = append(dst, Effect{Kind: m.kind(r, LocalEndpointUpdated, RemoteEndpointUpdated), Endpoint: r.ep})
	}
	return dst, nil
}

// store copies ep into r, keeping the UID if ep does not know it.
func (m *Machine) store(r *record, ep *Endpoint) {
	uid := r.ep.UID
	r.ep = *ep
	if r.ep.UID == "" {
		r.ep.UID = uid
	}
	r.ep.ClusterID = r.cluster.id
	r.version = parseVersion(ep.ResourceVersion)
}

// moved reports whether ep, a new version of old, sorts elsewhere.
func (m *Machine) moved(old, ep *Endpoint) bool {
	if m.custom == nil {
		return ByCreation(old, ep) != 0
	}
	// A copy: handing ep itself to the caller's function would move every
	// upserted endpoint to the heap.
	m.scratch = *ep
	moved := m.custom(old, &m.scratch) != 0
	m.scratch = Endpoint{}
	return moved
}

func (m *Machine) delete(dst []Effect, name, uid string) ([]Effect, error) {
	r, ok := m.byName[name]
	if !ok {
		return dst, &RejectedError{Name: name, Err: ErrUnknownEndpoint}
	}
	if uid != "" && r.ep.UID != "" && uid != r.ep.UID {
		return dst, &RejectedError{Name: name, Field: "uid",
			Reason: fmt.Sprintf("stored %q, deleted %q", r.ep.UID, uid), Err: ErrUIDMismatch}
	}
	return m.remove(dst, r), nil
}

func (m *Machine) markSynced(dst []Effect) []Effect {
	if m.synced {
		return dst
	}
	m.synced = true
	if c := m.clusters[m.local]; c != nil {
		dst = m.announce(dst, c.top)
	}
	for _, id := range slices.Sorted(maps.Keys(m.clusters)) {
		if c := m.clusters[id]; id != m.local {
			dst = m.announce(dst, c.top)
		}
	}
	return dst
}

func (m *Machine) add(dst []Effect, ep *Endpoint) []Effect {
	c := m.clusters[ep.ClusterID]
	if c == nil {
		c = &cluster{id: ep.ClusterID}
		m.clusters[c.id] = c
	}
	r := &record{cluster: c}
	m.store(r, ep)
	m.byName[ep.Name] = r
	c.members = append(c.members, r)
	if c.top == nil || m.total(&r.ep, &c.top.ep) > 0 {
		// The old top, if any, is superseded: it stays stale until deleted.
		c.top = r
		if m.synced {
			dst = m.announce(dst, r)
		}
	}
	return dst
}

func (m *Machine) remove(dst []Effect, r *record) []Effect {
	dst, next := m.unlink(dst, r)
	return m.promote(dst, next)
}

// replace removes r and adds ep, a new object of the same name. An endpoint
// that would be active only between the two is not announced: a route
// handler would switch to it and straight back.
func (m *Machine) replace(dst []Effect, r *record, ep *Endpoint) []Effect {
	dst, next := m.unlink(dst, r)
	dst = m.add(dst, ep)
	if next != nil && next.cluster.top == next {
		dst = m.promote(dst, next)
	}
	return dst
}

// unlink forgets r and retires it if it was announced. If r was its
// cluster's active endpoint, it returns the successor, not yet promoted.
func (m *Machine) unlink(dst []Effect, r *record) ([]Effect, *record) {
	delete(m.byName, r.ep.Name)
	c := r.cluster
	i := slices.Index(c.members, r)
	last := len(c.members) - 1
	c.members[i] = c.members[last]
	c.members[last] = nil
	c.members = c.members[:last]
	var next *record
	wasTop := c.top == r
	if wasTop {
		// A cluster with a live endpoint is served: the greatest remaining
		// one takes over, whatever superseded it before, so the active
		// endpoint depends on the present set only, never on history.
		next = m.greatest(c.members)
		c.top = next
	}
	if len(c.members) == 0 {
		delete(m.clusters, r.ep.ClusterID)
	}
	if r.announced {
		r.announced = false
		kind := m.kind(r, StaleLocalEndpointRemoved, StaleRemoteEndpointRemoved)
		if wasTop {
			kind = m.kind(r, LocalEndpointRemoved, RemoteEndpointRemoved)
		}
		dst = append(dst, Effect{Kind: kind, Endpoint: r.ep})
	}
	return dst, next
}

// promote makes next, the new top of its cluster, active and announces it.
// It comes after the predecessor's retirement, so that a handler keyed by
// cluster drops the removed endpoint before it installs the successor: it
// is never left with the ghost, nor without the live one. An endpoint
// announced before and superseded is announced again, since handlers that
// keep one endpoint per cluster replaced it.
func (m *Machine) promote(dst []Effect, next *record) []Effect {
	if next == nil {
		return dst
	}
	if m.synced {
		dst = m.announce(dst, next)
	}
	return dst
}

func (m *Machine) greatest(rs []*record) *record {
	var top *record
	for _, r := range rs {
		if top == nil || m.total(&r.ep, &top.ep) > 0 {
			top = r
		}
	}
	return top
}

func (m *Machine) announce(dst []Effect, r *record) []Effect {
	r.announced = true
	return append(dst, Effect{Kind: m.kind(r, LocalEndpointCreated, RemoteEndpointCreated), Endpoint: r.ep})
}

func (m *Machine) kind(r *record, local, remote Kind) Kind {
	if m.local != "" && r.ep.ClusterID == m.local {
		return local
	}
	return remote
}
