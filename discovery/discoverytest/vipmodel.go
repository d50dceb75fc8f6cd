package discoverytest

import (
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/meshstate/meshstate/discovery"
	"github.com/meshstate/meshstate/lookup"
)

// VIPModel is the brute-force reference: it stores the latest version of
// every object and computes the desired VIPs from scratch, straight from
// the rules, with none of the machine's bookkeeping.
type VIPModel struct {
	Node           string
	Services       map[string]discovery.VIPService // by namespace/name
	Slices         map[string]discovery.VIPSlice   // by namespace/name
	ServicesSynced bool
	SlicesSynced   bool
}

// NewVIPModel returns an empty model for the node.
func NewVIPModel(node string) *VIPModel {
	return &VIPModel{Node: node, Services: map[string]discovery.VIPService{}, Slices: map[string]discovery.VIPSlice{}}
}

// Synced reports whether both sources have synced.
func (m *VIPModel) Synced() bool { return m.ServicesSynced && m.SlicesSynced }

// Rejects reports whether the machine must refuse ev.
func (m *VIPModel) Rejects(ev discovery.VIPEvent) bool {
	switch ev := ev.(type) {
	case discovery.ServiceUpsert:
		return ev.Service.Validate() != nil
	case discovery.SliceUpsert:
		return ev.Slice.Validate() != nil
	case discovery.ServiceDeleted:
		s, ok := m.Services[ev.Namespace+"/"+ev.Name]
		return !ok || ev.UID != "" && ev.UID != s.UID
	case discovery.SliceDeleted:
		s, ok := m.Slices[ev.Namespace+"/"+ev.Name]
		return !ok || ev.UID != "" && ev.UID != s.UID
	case discovery.ServicesSynced, discovery.SlicesSynced:
		return false
	case discovery.VIPApplied:
		return !validVIPOutcome(ev)
	case discovery.VIPRetryDue:
		switch ev.Kind {
		case discovery.RetryVIP:
			return !plainAddr(ev.VIP)
		case discovery.RetryCommit:
			return ev.VIP.IsValid()
		}
	}
	return true
}

// validVIPOutcome: an outcome of a VIP's Advertise or Withdraw, or of a
// commit (which names no VIP); a Failed one with a failure class, the
// others with none.
func validVIPOutcome(ev discovery.VIPApplied) bool {
	switch ev.Effect {
	case discovery.Advertise, discovery.Withdraw:
		if !plainAddr(ev.VIP) {
			return false
		}
	case discovery.Commit:
		if ev.VIP.IsValid() {
			return false
		}
	default:
		return false
	}
	switch ev.Outcome {
	case discovery.Failed:
		return ev.Class.Valid() && ev.Class != lookup.Found
	case discovery.Done, discovery.Conflict, discovery.Unknown:
		return ev.Class == 0
	}
	return false
}

func plainAddr(a netip.Addr) bool { return a.IsValid() && a.Zone() == "" && !a.Is4In6() }

// Apply records an accepted event.
func (m *VIPModel) Apply(ev discovery.VIPEvent) {
	switch ev := ev.(type) {
	case discovery.ServiceUpsert:
		m.Services[ev.Service.Key()] = ev.Service
	case discovery.SliceUpsert:
		m.Slices[ev.Slice.Key()] = ev.Slice
	case discovery.ServiceDeleted:
		delete(m.Services, ev.Namespace+"/"+ev.Name)
	case discovery.SliceDeleted:
		delete(m.Slices, ev.Namespace+"/"+ev.Name)
	case discovery.ServicesSynced:
		m.ServicesSynced = true
	case discovery.SlicesSynced:
		m.SlicesSynced = true
	}
}

// Qualifies reports whether the Service justifies its VIPs: it is of type
// LoadBalancer, and among its endpoints (this node's, under policy Local)
// one is ready or, when none is, one is serving and terminating.
func (m *VIPModel) Qualifies(s discovery.VIPService) bool {
	if s.Type != discovery.ServiceTypeLoadBalancer || len(s.VIPs) == 0 {
		return false
	}
	var scope []discovery.SliceConditions
	for _, sl := range m.Slices {
		if sl.Namespace != s.Namespace || sl.ServiceName != s.Name {
			continue
		}
		for _, ep := range sl.Endpoints {
			// Local: the node name places the endpoint; only without one
			// does the hostname (kube-vip's fallback, PR 1714's precedence).
			local := ep.NodeName == m.Node || ep.NodeName == "" && ep.Hostname != "" && ep.Hostname == m.Node
			if s.ExternalTrafficPolicy != discovery.ServiceTrafficLocal || local {
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
func (m *VIPModel) Desired() map[netip.Addr][]string {
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
func (m *VIPModel) Users(vip netip.Addr) []string {
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
func (m *VIPModel) Relist(order []string) []discovery.VIPEvent {
	var out []discovery.VIPEvent
	for _, o := range order {
		if key, ok := strings.CutPrefix(o, "service "); ok {
			out = append(out, discovery.ServiceUpsert{Service: m.Services[key]})
		} else if key, ok := strings.CutPrefix(o, "slice "); ok {
			out = append(out, discovery.SliceUpsert{Slice: m.Slices[key]})
		}
	}
	return out
}

// Objects returns the keys Relist takes, sorted.
func (m *VIPModel) Objects() []string {
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
