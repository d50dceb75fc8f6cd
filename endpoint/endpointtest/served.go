package endpointtest

import (
	"fmt"
	"maps"
	"slices"

	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/endpoint"
)

// CheckServed checks the serving rule of the package over a stream, from
// the notifications alone, as a handler that keeps one endpoint per cluster
// (a route agent) sees them: once synced, after every step,
//
//   - a cluster with at least one present endpoint has exactly one endpoint
//     announced and not removed, whatever the history, and the machine's
//     Active agrees with it;
//   - it is the endpoint a machine restarted with the same present endpoints
//     announces (history independence);
//   - a cluster without present endpoints has none announced.
//
// Removed must name the endpoint handlers hold for the cluster, and a stale
// removal must never name it. Rejections and the other invariants are the
// Checker's business; CheckServed skips rejected events.
func CheckServed(localClusterID string, steps []Step) error {
	cfg := endpoint.Config{LocalClusterID: localClusterID}
	var (
		model *Model
		view  map[string]string // cluster -> the endpoint handlers hold
	)
	reset := func() { model, view = NewModel(), map[string]string{} }
	reset()
	return Run(cfg, steps, func(m *endpoint.Machine, ev endpoint.Event, ns []endpoint.Effect, err error) error {
		if ev == nil {
			reset()
			return nil
		}
		if err != nil || model.Rejects(ev) {
			return nil
		}
		model.Apply(ev)
		for _, n := range ns {
			if p := serve(view, n); p != "" {
				return &Violation{Event: ev, Effects: ns, Problem: fmt.Sprintf("%v: %s", n, p)}
			}
		}
		if !model.Synced() {
			return nil
		}
		want, err := restartedView(cfg, model.Objects())
		if err != nil {
			return err
		}
		for _, cluster := range slices.Sorted(maps.Keys(joinKeys(view, want))) {
			got, w := view[cluster], want[cluster]
			if got != w {
				return &Violation{Event: ev, Effects: ns, Problem: fmt.Sprintf(
					"cluster %s: handlers hold %q, a machine restarted with the same endpoints announces %q", cluster, got, w)}
			}
			if a, ok := m.Active(cluster); !ok || a.Name != w {
				return &Violation{Event: ev, Effects: ns, Problem: fmt.Sprintf(
					"cluster %s: Active() = %q %v, handlers hold %q", cluster, a.Name, ok, w)}
			}
		}
		return nil
	})
}

// serve applies n to a one-endpoint-per-cluster view and reports what is
// wrong with it, if anything.
func serve(view map[string]string, n endpoint.Effect) string {
	cluster, name := n.Endpoint.ClusterID, n.Endpoint.Name
	switch {
	case n.Kind.Announces():
		view[cluster] = name
	case n.Kind.Stale():
		if view[cluster] == name {
			return "stale removal of the endpoint handlers hold for its cluster"
		}
	case n.Kind.Retires():
		if view[cluster] != name {
			return fmt.Sprintf("removes an endpoint handlers do not hold (they hold %q)", view[cluster])
		}
		delete(view, cluster)
	}
	return ""
}

// restartedView is what a fresh machine given objs and Synced announces,
// by cluster.
func restartedView(cfg endpoint.Config, objs []endpoint.Endpoint) (map[string]string, error) {
	m, err := endpoint.New(cfg)
	if err != nil {
		return nil, err
	}
	for _, ep := range objs {
		if _, err := m.Upsert(ep); err != nil {
			return nil, fmt.Errorf("restarted machine refused present endpoint %s: %w", ep.Name, err)
		}
	}
	view := map[string]string{}
	for _, n := range m.MarkSynced() {
		view[n.Endpoint.ClusterID] = n.Endpoint.Name
	}
	return view, nil
}

func joinKeys(a, b map[string]string) map[string]bool {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	return keys
}

// ServedProperty is CheckServed over generated streams, for rapid.Check.
func ServedProperty(cfg GenConfig) func(*rapid.T) {
	return func(t *rapid.T) {
		steps := Stream(cfg).Draw(t, "steps")
		if err := CheckServed(cfg.LocalClusterID, steps); err != nil {
			t.Fatal(err)
		}
	}
}
