package main

import (
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/meshstate/meshstate/endpoint"
	"github.com/meshstate/meshstate/endpoint/endpointtest"
)

// healthChecker probes the health-check IP of every endpoint it was told
// about until told it is gone; stale-aware, as the fix requires.
type healthChecker struct{ probing map[string]string }

func (h *healthChecker) start(ep *endpoint.Endpoint) error {
	h.probing[ep.Name] = ep.HealthCheckIP.String()
	return nil
}
func (h *healthChecker) stop(ep *endpoint.Endpoint) error { delete(h.probing, ep.Name); return nil }

func (h *healthChecker) funcs() endpoint.HandlerFuncs {
	return endpoint.HandlerFuncs{RemoteCreated: h.start, RemoteRemoved: h.stop, StaleRemoteGone: h.stop}
}

func (h *healthChecker) ips() []string { return slices.Sorted(maps.Values(h.probing)) }

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

func replay000(w io.Writer) (bool, string, error) {
	s, err := scenario("000")
	if err != nil {
		return false, "", err
	}
	fmt.Fprintf(w, "== incident 000: %s\n%s\n\n", s.Title, wrap(s.Story, "   "))
	health := &healthChecker{probing: map[string]string{}}
	routes := &routeHandler{active: map[string]string{}}
	lines, replayErr := s.Replay(health.funcs(), asHandler{routes.funcs()})
	for i, l := range lines {
		printStep(w, i, l.Step.Note, describe(l.Event), l.Effects, l.Err, l.Problem)
	}
	if replayErr != nil {
		return false, "", replayErr
	}

	field := fieldHealthProbes(lines)
	fmt.Fprintf(w, "\n    field logic (before the fix): health checker probes %v\n", field)
	fmt.Fprintf(w, "    meshstate:                    health checker probes %v; route handler: %v, %d tear-downs\n\n",
		health.ips(), routes.active, routes.teardowns)

	// The health checker must end up probing the active endpoint of east and
	// nothing else: the last remote endpoint announced or updated.
	var want []string
	for _, l := range lines {
		for _, n := range l.Effects {
			if n.Kind == endpoint.RemoteEndpointCreated || n.Kind == endpoint.RemoteEndpointUpdated {
				want = []string{n.Endpoint.HealthCheckIP.String()}
			}
		}
	}
	ghosts := len(field) - len(want)
	switch {
	case ghosts <= 0:
		return false, "the scenario does not reproduce the incident: the field logic leaves no ghost", nil
	case !slices.Equal(health.ips(), want):
		return false, fmt.Sprintf("health checker probes %v, want only %v", health.ips(), want), nil
	case routes.teardowns != 0:
		return false, "a route handler tore down a live cluster", nil
	}
	return true, fmt.Sprintf("the superseded endpoint was retired as stale: the health checker probes only %v "+
		"(the field logic kept %d ghost), and route handlers never tore the cluster down", want, ghosts), nil
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

func scenario(incident string) (endpointtest.Scenario, error) {
	all, err := endpointtest.Scenarios()
	if err != nil {
		return endpointtest.Scenario{}, err
	}
	for _, s := range all {
		if s.Incident == incident {
			return s, nil
		}
	}
	return endpointtest.Scenario{}, fmt.Errorf("no scenario for incident %s", incident)
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
