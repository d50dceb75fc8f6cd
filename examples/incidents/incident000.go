package main

import (
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/meshstate/meshstate/endpoint"
	"github.com/meshstate/meshstate/endpoint/endpointtest"
	"github.com/meshstate/meshstate/health"
)

// healthChecker is the health package's machine as a handler of the
// endpoint machine: it starts and stops probers as its effects say, and
// keeps every prober effect for the verdict. A real gateway applies the
// same effects to an icmp.Pool (see health/icmp.Checker).
type healthChecker struct {
	machine *health.Machine
	probing map[string]string // endpoint name -> health-check IP
	effects []health.Effect
}

func newHealthChecker() (*healthChecker, error) {
	m, err := health.New(health.Config{})
	return &healthChecker{machine: m, probing: map[string]string{}}, err
}

// notify steps one notification of kind k and applies its prober effects.
func (h *healthChecker) notify(k endpoint.Kind) func(*endpoint.Endpoint) error {
	return func(ep *endpoint.Endpoint) error {
		effects, err := h.machine.Step(health.Notified{Notification: endpoint.Effect{Kind: k, Endpoint: *ep}})
		for _, e := range effects {
			switch e.Kind {
			case health.StartProber:
				h.probing[e.Endpoint] = e.IP.String()
			case health.StopProber:
				delete(h.probing, e.Endpoint)
			default:
				continue
			}
			h.effects = append(h.effects, e)
		}
		return err
	}
}

func (h *healthChecker) funcs() endpoint.HandlerFuncs {
	return endpoint.HandlerFuncs{
		RemoteCreated:   h.notify(endpoint.RemoteEndpointCreated),
		RemoteUpdated:   h.notify(endpoint.RemoteEndpointUpdated),
		RemoteRemoved:   h.notify(endpoint.RemoteEndpointRemoved),
		StaleRemoteGone: h.notify(endpoint.StaleRemoteEndpointRemoved),
	}
}

func (h *healthChecker) ips() []string { return slices.Sorted(maps.Values(h.probing)) }

// stopped says whether the prober of the endpoint named name was started
// and then stopped.
func (h *healthChecker) stopped(name string) bool {
	started := false
	for _, e := range h.effects {
		switch {
		case e.Endpoint != name:
		case e.Kind == health.StartProber:
			started = true
		case e.Kind == health.StopProber && started:
			return true
		}
	}
	return false
}

// routeHandler follows each remote cluster's active endpoint and counts
// tear-downs; it implements Handler only.
type routeHandler struct {
	active    map[string]string
	teardowns int
}

func (r *routeHandler) funcs() endpoint.HandlerFuncs {
	return endpoint.HandlerFuncs{
		RemoteCreated: func(ep *endpoint.Endpoint) error { r.active[ep.ClusterID] = ep.Name; return nil },
		RemoteRemoved: func(ep *endpoint.Endpoint) error { delete(r.active, ep.ClusterID); r.teardowns++; return nil },
	}
}

// asHandler hides the optional interfaces, as a handler written before the
// stale notification existed.
type asHandler struct{ endpoint.Handler }

func replay000(w io.Writer) (res result, _ error) {
	s, err := open(w, endpointtest.Scenarios, "000")
	if err != nil {
		return res, err
	}
	res.title = s.Title
	checker, err := newHealthChecker()
	if err != nil {
		return res, err
	}
	routes := &routeHandler{active: map[string]string{}}
	lines, replayErr := s.Replay(checker.funcs(), asHandler{routes.funcs()})
	for i, l := range lines {
		printStep(w, i, l.Step.Note, describe(l.Event), l.Effects, l.Err, l.Problem)
	}
	if replayErr != nil {
		return res, replayErr
	}
	fmt.Fprintf(w, "\n    health machine prober effects:\n")
	for _, e := range checker.effects {
		fmt.Fprintf(w, "      %v\n", e)
	}

	field := fieldHealthProbes(lines)
	fmt.Fprintf(w, "\n    field logic (re-implemented): health checker probes %v\n", field)
	fmt.Fprintf(w, "    meshstate:                    health checker probes %v; route handler: %v, %d tear-downs\n\n",
		checker.ips(), routes.active, routes.teardowns)

	// The health checker must end up probing the active endpoint of east and
	// nothing else (the last remote endpoint announced or updated), and the
	// superseded endpoint's prober must have been stopped.
	var want []string
	var ghost string
	for _, l := range lines {
		for _, n := range l.Effects {
			switch n.Kind {
			case endpoint.RemoteEndpointCreated, endpoint.RemoteEndpointUpdated:
				want = []string{n.Endpoint.HealthCheckIP.String()}
			case endpoint.StaleRemoteEndpointRemoved:
				ghost = n.Endpoint.Name
			}
		}
	}
	ghosts := len(field) - len(want)
	res.field = fmt.Sprintf("health checker kept probing %d superseded endpoint", max(ghosts, 0))
	if ghosts != 1 {
		res.field += "s"
	}
	switch {
	case ghosts <= 0:
		return res.judge(false, "the scenario does not reproduce the incident: the field logic leaves no ghost")
	case ghost == "" || !checker.stopped(ghost):
		return res.judge(false, fmt.Sprintf("the superseded endpoint %q was never probed and then stopped", ghost))
	case !slices.Equal(checker.ips(), want):
		return res.judge(false, fmt.Sprintf("health checker probes %v, want only %v", checker.ips(), want))
	case routes.teardowns != 0:
		return res.judge(false, "a route handler tore down a live cluster")
	}
	return res.judge(true, fmt.Sprintf("the superseded endpoint was retired as stale and the health machine stopped its "+
		"prober: it probes only %v (the field logic kept %d ghost), and route handlers never tore the cluster down",
		want, ghosts))
}

// fieldHealthProbes replays the notifications the event layer sent before
// the fix: a deletion is dropped when a later endpoint of the cluster was
// already processed, so the health checker never stops probing it.
func fieldHealthProbes(lines []endpointtest.Line) []string {
	latest := map[string]string{} // cluster -> latest processed endpoint
	byName := map[string]endpoint.Endpoint{}
	probing := map[string]string{}
	for _, l := range lines {
		switch ev := l.Event.(type) {
		case endpoint.Upsert:
			byName[ev.Endpoint.Name] = ev.Endpoint
		}
		for _, n := range l.Effects {
			if n.Kind == endpoint.RemoteEndpointCreated {
				latest[n.Endpoint.ClusterID] = n.Endpoint.Name
				probing[n.Endpoint.Name] = n.Endpoint.HealthCheckIP.String()
			}
		}
		if d, ok := l.Event.(endpoint.Delete); ok {
			ep := byName[d.Name]
			if latest[ep.ClusterID] == d.Name {
				delete(probing, d.Name) // RemoteEndpointRemoved
			} // else: "ignoring deleted remote endpoint since a later endpoint was already processed"
		}
	}
	return slices.Sorted(maps.Values(probing))
}

func describe(ev endpoint.Event) string {
	switch ev := ev.(type) {
	case endpoint.Upsert:
		e := ev.Endpoint
		return fmt.Sprintf("Upsert %s (cluster %s, created %s, sequence %d, health-check IP %v)",
			e.Name, e.ClusterID, e.CreatedAt.Format("15:04:05"), e.Sequence, e.HealthCheckIP)
	case endpoint.Delete:
		return "Delete " + ev.Name
	default:
		return fmt.Sprintf("%T", ev)[len("endpoint."):]
	}
}
