package viptest

import (
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/meshstate/meshstate/discovery/vip"
	"github.com/meshstate/meshstate/lookup"
)

// Model is the brute-force reference: it stores the latest version of
// every object and computes the desired VIPs from scratch, straight from
// the rules, with none of the machine's bookkeeping.
type Model struct {
	// Node is the node the model decides for, as vip.Config.NodeName:
	// with the Local traffic policy, only endpoints on it count.
	Node string
	// Services are the latest version of each Service, by
	// namespace/name.
	Services map[string]vip.Service
	// Slices are the latest version of each EndpointSlice, by
	// namespace/name.
	Slices map[string]vip.Slice
	// ServicesSynced is whether the vip.ServicesSynced marker has been
	// applied (see Synced).
	ServicesSynced bool
	// SlicesSynced is whether the vip.SlicesSynced marker has been
	// applied.
	SlicesSynced bool
}

// NewModel returns an empty model for the node.
func NewModel(node string) *Model {
	return &Model{Node: node, Services: map[string]vip.Service{}, Slices: map[string]vip.Slice{}}
}

// Synced reports whether both sources have synced.
func (m *Model) Synced() bool { return m.ServicesSynced && m.SlicesSynced }

// Rejects reports whether the machine must refuse ev.
func (m *Model) Rejects(ev vip.Event) bool {
	switch ev := ev.(type) {
	case vip.ServiceUpsert:
		return ev.Service.Validate() != nil
	case vip.SliceUpsert:
		return ev.Slice.Validate() != nil
	case vip.ServiceDeleted:
		s, ok := m.Services[ev.Namespace+"/"+ev.Name]
		return !ok || ev.UID != "" && ev.UID != s.UID
	case vip.SliceDeleted:
		s, ok := m.Slices[ev.Namespace+"/"+ev.Name]
		return !ok || ev.UID != "" && ev.UID != s.UID
	case vip.ServicesSynced, vip.SlicesSynced:
		return false
	case vip.Applied:
		return !validVIPOutcome(ev)
	case vip.RetryDue:
		switch ev.Kind {
		case vip.RetryVIP:
			return !plainAddr(ev.VIP)
		case vip.RetryCommit:
			return ev.VIP.IsValid()
		}
	}
	return true
}

// validVIPOutcome: an outcome of a VIP's Advertise or Withdraw, or of a
// commit (which names no VIP); a Failed one with a failure class, the
// others with none.
func validVIPOutcome(ev vip.Applied) bool {
	switch ev.Effect {
	case vip.Advertise, vip.Withdraw:
		if !plainAddr(ev.VIP) {
			return false
		}
	case vip.Commit:
		if ev.VIP.IsValid() {
			return false
		}
	default:
		return false
	}
	switch ev.Outcome {
	case vip.Failed:
		return ev.Class.Valid() && ev.Class != lookup.Found
	case vip.Done, vip.Conflict, vip.Unknown:
		return ev.Class == 0
	}
	return false
}

func plainAddr(a netip.Addr) bool { return a.IsValid() && a.Zone() == "" && !a.Is4In6() }

// Apply records an accepted event.
func (m *Model) Apply(ev vip.Event) {
	switch ev := ev.(type) {
	case vip.ServiceUpsert:
		m.Services[ev.Service.Key()] = ev.Service
	case vip.SliceUpsert:
		m.Slices[ev.Slice.Key()] = ev.Slice
	case vip.ServiceDeleted:
		delete(m.Services, ev.Namespace+"/"+ev.Name)
	case vip.SliceDeleted:
		delete(m.Slices, ev.Namespace+"/"+ev.Name)
	case vip.ServicesSynced:
		m.ServicesSynced = true
	case vip.SlicesSynced:
		m.SlicesSynced = true
	}
}

// Qualifies reports whether the Service justifies its VIPs: it is of type
// LoadBalancer, and among its endpoints (this node's, under policy Local)
// one is ready or, when none is, one is serving and terminating.
func (m *Model) Qualifies(s vip.Service) bool {
	if s.Type != vip.ServiceTypeLoadBalancer || len(s.VIPs) == 0 {
		return false
	}
	var scope []vip.SliceConditions
	for _, sl := range m.Slices {
		if sl.Namespace != s.Namespace || sl.ServiceName != s.Name {
			continue
		}
		for _, ep := range sl.Endpoints {
			// Local: the node name places the endpoint; only without one
			// does the hostname (kube-vip's fallback, PR 1714's precedence).
			local := ep.NodeName == m.Node || ep.NodeName == "" && ep.Hostname != "" && ep.Hostname == m.Node
			if s.ExternalTrafficPolicy != vip.ServiceTrafficLocal || local {
				scope = append(scope, ep.Conditions)
			}
		}
	}
	is := func(p *bool, nilMeans bool) bool { return (p == nil && nilMeans) || (p != nil && *p) }
	for _, c := range scope {
		if is(c.Ready, true) {
			return true
		}
	}
	for _, c := range scope {
		if is(c.Serving, true) && is(c.Terminating, false) {
			return true
		}
	}
	return false
}

// Desired returns every VIP that must be advertised, with the sorted keys
// of the Services justifying it.
func (m *Model) Desired() map[netip.Addr][]string {
	out := map[netip.Addr][]string{}
	for _, key := range slices.Sorted(maps.Keys(m.Services)) {
		if s := m.Services[key]; m.Qualifies(s) {
			for _, a := range s.VIPs {
				out[a] = append(out[a], key)
			}
		}
	}
	return out
}

// Users returns the sorted keys of the Services listing vip.
func (m *Model) Users(vip netip.Addr) []string {
	var out []string
	for _, key := range slices.Sorted(maps.Keys(m.Services)) {
		if slices.Contains(m.Services[key].VIPs, vip) {
			out = append(out, key)
		}
	}
	return out
}

// Relist returns the events a restarted announcer's informers deliver for
// the model's objects: every Service and slice in the given order of
// "service ns/name" and "slice ns/name" keys (see Objects).
func (m *Model) Relist(order []string) []vip.Event {
	var out []vip.Event
	for _, o := range order {
		if key, ok := strings.CutPrefix(o, "service "); ok {
			out = append(out, vip.ServiceUpsert{Service: m.Services[key]})
		} else if key, ok := strings.CutPrefix(o, "slice "); ok {
			out = append(out, vip.SliceUpsert{Slice: m.Slices[key]})
		}
	}
	return out
}

// Objects returns the keys Relist takes, sorted.
func (m *Model) Objects() []string {
	var out []string
	for k := range m.Services {
		out = append(out, "service "+k)
	}
	for k := range m.Slices {
		out = append(out, "slice "+k)
	}
	slices.Sort(out)
	return out
}
