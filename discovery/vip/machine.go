package vip

import (
	"fmt"
	"net/netip"

	"github.com/meshstate/meshstate/internal/attempts"
	"github.com/meshstate/meshstate/internal/k8sname"
	"github.com/meshstate/meshstate/retry"
)

// Config configures a Machine.
type Config struct {
	// NodeName is this node's name: under externalTrafficPolicy Local only
	// endpoints on it justify a VIP (see SliceEndpoint.OnNode).
	NodeName string `json:"nodeName"`
	// Advertised are the VIPs this node announced before a restart, for an
	// adapter that cleans up at startup: at sync the machine withdraws
	// those of them that no longer qualify, and never one that does.
	// Leave it empty to withdraw nothing at startup.
	Advertised []netip.Addr `json:"advertised,omitempty"`
	// Retry schedules the retries of writes that failed or whose outcome
	// is unknown; zero means retry.DefaultSchedule (1 s doubling to 5 min).
	Retry retry.Schedule `json:"retry,omitzero"`
	// SlowRetry schedules the retries after Permanent failures; zero means
	// retry.SlowSchedule (every 5 min).
	SlowRetry retry.Schedule `json:"slowRetry,omitzero"`
}

// Machine decides which VIPs a load-balancer announcer advertises on
// this node. It keeps Services and EndpointSlices apart, slices grouped
// under the Service their label names whether or not that Service is known
// yet, and joins them per Service at decision time, so the decisions do not
// depend on the order events arrive in (incident 004).
//
// A VIP is advertised if and only if some LoadBalancer Service listing it
// exists and has a usable endpoint (see SliceConditions.Usable), on this
// node under externalTrafficPolicy Local. A VIP shared by several Services
// is reference-counted: it stays advertised while any of them qualifies.
// Nothing is advertised or withdrawn before both ServicesSynced and
// SlicesSynced; the second of them emits the whole desired set at once,
// by address. After that, the Step that changes a VIP's qualification
// emits its Advertise or Withdraw.
//
// Outcomes (Applied) and retries (RetryAfter, RetryDue) follow the
// package's retry contract; see the package documentation.
//
// A Machine is a plain value without goroutines, clock or I/O; it is not
// safe for concurrent use.
type Machine struct {
	node           string
	groups         map[vipKey]*vipGroup    // by namespace and service name
	slices         map[vipKey]*vipSliceRec // by namespace and slice name
	vips           map[netip.Addr]*vipState
	servicesSynced bool
	slicesSynced   bool
	touched        []touchedVIP // scratch for one step
	sched          attempts.Schedules
	commit         attempts.Attempts // the Committer's failed commits
}

type vipKey struct{ namespace, name string }

// touchedVIP is a VIP a step may have changed, with its state: states are
// only dropped at the step's end, so the pointer holds for the step and
// flush need not look the address up again.
type touchedVIP struct {
	addr netip.Addr
	st   *vipState
}

// vipGroup joins one Service key: the Service, once known, and the slices
// labelled with its name, known or not.
type vipGroup struct {
	svc *Service // &stored, or nil while the Service is unknown or deleted
	// stored is the Service, held here rather than on its own (one
	// allocation fewer); while svc is nil only its Namespace and Name,
	// the group's key, are set.
	stored Service
	slices []*vipSliceRec
	// usable and usableLocal sum the slices' counts, so a slice update
	// decides in O(its endpoints), not O(the service's endpoints).
	usable, usableLocal int
	qualifies           bool
	// states are the states of the stored Service's VIPs, in its order,
	// so that a slice that changes the group's qualification updates them
	// without looking them up. A state is never dropped while a group
	// lists its VIP (it is a user), so the pointers hold.
	states []*vipState
	// Inline backing arrays, for the common case of one slice and one
	// VIP: slices, states, the stored Service's VIPs and, when it is
	// built, the group's {"namespace/name"} for effects (see name).
	slicesBuf [1]*vipSliceRec
	statesBuf [1]*vipState
	vipsBuf   [1]netip.Addr
	self      [1]string
}

// vipSliceRec is what a slice contributes; its endpoints are not kept.
type vipSliceRec struct {
	uid                 string
	group               *vipGroup
	index               int // in group.slices
	usable, usableLocal int
}

// vipState is one VIP: the groups whose Service lists it, how many of them
// qualify, and what the adapter was told.
type vipState struct {
	users      []*vipGroup
	usersBuf   [1]*vipGroup // users' inline backing array: most VIPs have one
	qualifying int
	advertised bool
	previously bool              // in Config.Advertised, until sync
	retry      attempts.Attempts // of the latest Advertise or Withdraw
}

// New returns an empty machine for the node cfg names.
func New(cfg Config) (*Machine, error) {
	if r := k8sname.Subdomain(cfg.NodeName); r != "" {
		return nil, fmt.Errorf("%w: nodeName %q %s", ErrInvalidConfig, cfg.NodeName, r)
	}
	sched, err := attempts.NewSchedules(cfg.Retry, cfg.SlowRetry)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	m := &Machine{node: cfg.NodeName, groups: map[vipKey]*vipGroup{},
		slices: map[vipKey]*vipSliceRec{}, vips: map[netip.Addr]*vipState{}, sched: sched}
	for i, a := range cfg.Advertised {
		if r := vipAddrProblem(a); r != "" {
			return nil, fmt.Errorf("%w: advertised[%d] %v: %s", ErrInvalidConfig, i, a, r)
		}
		m.vip(a).previously = true
	}
	return m, nil
}

// Step applies one event and returns the effects it causes, in order. A
// rejected event returns an error wrapping one of the package's sentinels
// and leaves the machine unchanged.
func (m *Machine) Step(ev Event) ([]Effect, error) { return m.AppendStep(nil, ev) }

// AppendStep is Step appending the effects to dst; on error dst is
// returned unchanged.
func (m *Machine) AppendStep(dst []Effect, ev Event) ([]Effect, error) {
	switch ev := ev.(type) {
	case ServiceUpsert:
		return m.upsertService(dst, &ev.Service)
	case ServiceDeleted:
		return m.deleteService(dst, ev)
	case SliceUpsert:
		return m.upsertSlice(dst, &ev.Slice)
	case SliceDeleted:
		return m.deleteSlice(dst, ev)
	case ServicesSynced:
		return m.markSynced(dst, &m.servicesSynced), nil
	case SlicesSynced:
		return m.markSynced(dst, &m.slicesSynced), nil
	case Applied:
		return m.applied(dst, ev)
	case RetryDue:
		return m.retryDue(dst, ev)
	}
	return dst, &RejectedError{Reason: fmt.Sprintf("%T", ev), Err: ErrInvalidEvent}
}

func (m *Machine) synced() bool { return m.servicesSynced && m.slicesSynced }

func (m *Machine) group(key vipKey) *vipGroup {
	g := m.groups[key]
	if g == nil {
		g = &vipGroup{stored: Service{Namespace: key.namespace, Name: key.name}}
		g.slices = g.slicesBuf[:0]
		m.groups[key] = g
	}
	return g
}

// forget drops g once nothing refers to it.
func (m *Machine) forget(g *vipGroup) {
	if g.svc == nil && len(g.slices) == 0 {
		delete(m.groups, g.key())
	}
}

func (m *Machine) vip(a netip.Addr) *vipState {
	st := m.vips[a]
	if st == nil {
		st = &vipState{}
		st.users = st.usersBuf[:0]
		m.vips[a] = st
	}
	return st
}

func (g *vipGroup) vipList() []netip.Addr {
	if g.svc == nil {
		return nil
	}
	return g.svc.VIPs
}

func (m *Machine) qualifies(g *vipGroup) bool {
	switch {
	case g.svc == nil || !g.svc.Announced():
		return false
	case g.svc.Local():
		return g.usableLocal > 0
	}
	return g.usable > 0
}

// key returns the group's key, the Service's namespace and name.
func (g *vipGroup) key() vipKey { return vipKey{g.stored.Namespace, g.stored.Name} }

// name returns {"namespace/name"}, built on first use; the slice is
// shared by every effect that names the group alone.
func (g *vipGroup) name() []string {
	if g.self[0] == "" { // a valid key is never empty
		g.self[0] = g.stored.Namespace + "/" + g.stored.Name
	}
	return g.self[:]
}
