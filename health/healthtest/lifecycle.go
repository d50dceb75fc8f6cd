package healthtest

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/meshstate/meshstate/health"
)

// Lifecycle follows StartProber and StopProber effects as an adapter
// would, and the last status each endpoint was reported to have.
type Lifecycle struct {
	Running map[uint64]Prober // by generation
	// Reported is the last status a StatusChanged gave each endpoint, by
	// name; an endpoint never reported is absent.
	Reported map[string]health.Status
}

// Prober is one running prober.
type Prober struct {
	// Endpoint is the probed endpoint's name.
	Endpoint string
	// IP is the address it probes.
	IP netip.Addr
}

// NewLifecycle returns a checker with nothing running.
func NewLifecycle() *Lifecycle {
	return &Lifecycle{Running: map[uint64]Prober{}, Reported: map[string]health.Status{}}
}

// Apply takes one step's effects; it fails on a start of a running
// generation, a second prober for one endpoint, or a stop of a prober that
// is not running (a second stop included).
func (l *Lifecycle) Apply(effects []health.Effect) error {
	for _, e := range effects {
		switch e.Kind {
		case health.StartProber:
			if _, ok := l.Running[e.Generation]; ok {
				return fmt.Errorf("%v: generation already running", e)
			}
			for _, p := range l.Running {
				if p.Endpoint == e.Endpoint {
					return fmt.Errorf("%v: endpoint already has a running prober", e)
				}
			}
			l.Running[e.Generation] = Prober{Endpoint: e.Endpoint, IP: e.IP}
		case health.StopProber:
			p, ok := l.Running[e.Generation]
			if !ok || p.Endpoint != e.Endpoint {
				return fmt.Errorf("%v: no such running prober", e)
			}
			delete(l.Running, e.Generation)
		case health.StatusChanged:
			if l.Reported[e.Endpoint] == e.Status {
				return fmt.Errorf("%v: status did not change", e)
			}
			l.Reported[e.Endpoint] = e.Status
		}
	}
	return nil
}

// Check compares the running probers with the model: exactly one per
// tracked endpoint, at its IP and generation, and none for any other. It
// forgets the reported status of endpoints the model no longer tracks.
func (l *Lifecycle) Check(m *Model) error {
	for name := range l.Reported {
		if m.Tracked[name] == nil {
			delete(l.Reported, name)
		}
	}
	if len(l.Running) != len(m.Tracked) {
		return fmt.Errorf("%d probers running for %d tracked endpoints", len(l.Running), len(m.Tracked))
	}
	gens := make([]uint64, 0, len(l.Running))
	for g := range l.Running {
		gens = append(gens, g)
	}
	slices.Sort(gens)
	for _, g := range gens {
		p := l.Running[g]
		t := m.Tracked[p.Endpoint]
		if t == nil {
			return fmt.Errorf("prober #%d runs for untracked endpoint %s", g, p.Endpoint)
		}
		if t.Generation != g || t.IP != p.IP {
			return fmt.Errorf("prober #%d of %s at %s; model expects #%d at %s", g, p.Endpoint, p.IP, t.Generation, t.IP)
		}
	}
	return nil
}
