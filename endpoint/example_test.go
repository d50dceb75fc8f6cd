package endpoint_test

import (
	"cmp"
	"fmt"
	"net/netip"
	"time"

	"github.com/meshstate/meshstate/endpoint"
)

// A gateway restart, as in incident 000: the new endpoint supersedes the
// old one within the same second, and the old one's deletion reaches the
// handlers as a stale removal instead of being dropped.
func Example() {
	m, err := endpoint.New(endpoint.Config{LocalClusterID: "west"})
	if err != nil {
		panic(err)
	}
	at := time.Date(2025, 6, 30, 20, 4, 23, 0, time.UTC)
	old := endpoint.Endpoint{
		Name: "east-gw-1", ClusterID: "east", CreatedAt: at, Sequence: 1,
		Subnets:       []netip.Prefix{netip.MustParsePrefix("10.2.0.0/16")},
		HealthCheckIP: netip.MustParseAddr("10.2.0.7"),
	}
	restarted := old
	restarted.Name, restarted.Sequence = "east-gw-2", 2
	restarted.HealthCheckIP = netip.MustParseAddr("10.2.0.9")

	for _, ev := range []endpoint.Event{
		endpoint.Upsert{Endpoint: old},
		endpoint.Synced{},
		endpoint.Upsert{Endpoint: restarted},
		endpoint.Delete{Name: "east-gw-1"},
	} {
		ns, err := m.Step(ev)
		if err != nil {
			fmt.Println("rejected:", err)
		}
		for _, n := range ns {
			fmt.Println(n.Kind, n.Endpoint.Name, n.Endpoint.HealthCheckIP)
		}
	}
	active, _ := m.Active("east")
	fmt.Println("active:", active.Name)
	// Output:
	// RemoteEndpointCreated east-gw-1 10.2.0.7
	// RemoteEndpointCreated east-gw-2 10.2.0.9
	// StaleRemoteEndpointRemoved east-gw-1 10.2.0.7
	// active: east-gw-2
}

// A health checker implements the optional StaleHandler interface, so it
// hears of superseded endpoints' deletion; a route handler that implements
// only Handler does not.
func ExampleDeliver() {
	probes := map[string]bool{}
	health := endpoint.HandlerFuncs{
		RemoteCreated:   func(ep *endpoint.Endpoint) error { probes[ep.Name] = true; return nil },
		RemoteRemoved:   func(ep *endpoint.Endpoint) error { delete(probes, ep.Name); return nil },
		StaleRemoteGone: func(ep *endpoint.Endpoint) error { delete(probes, ep.Name); return nil },
	}
	ep := endpoint.Endpoint{Name: "east-gw-1", ClusterID: "east"}
	for _, k := range []endpoint.Kind{endpoint.RemoteEndpointCreated, endpoint.StaleRemoteEndpointRemoved} {
		if err := endpoint.Deliver(health, endpoint.Effect{Kind: k, Endpoint: ep}); err != nil {
			fmt.Println(err)
		}
		fmt.Println(k, "probing:", len(probes))
	}
	// Output:
	// RemoteEndpointCreated probing: 1
	// StaleRemoteEndpointRemoved probing: 0
}

// A caller's own order: here a gateway-written sequence decides first, and
// the creation time only breaks its ties.
func ExampleConfig_compare() {
	bySequence := func(a, b *endpoint.Endpoint) int {
		if c := cmp.Compare(a.Sequence, b.Sequence); c != 0 {
			return c
		}
		return a.CreatedAt.Compare(b.CreatedAt)
	}
	m, _ := endpoint.New(endpoint.Config{Compare: bySequence})
	m.MarkSynced()
	at := time.Date(2025, 6, 30, 20, 4, 23, 0, time.UTC)
	_, _ = m.Upsert(endpoint.Endpoint{Name: "east-gw-7", ClusterID: "east", Sequence: 7, CreatedAt: at})
	ns, _ := m.Upsert(endpoint.Endpoint{Name: "east-gw-6", ClusterID: "east", Sequence: 6, CreatedAt: at.Add(time.Hour)})
	active, _ := m.Active("east")
	fmt.Println(len(ns), "notifications; active:", active.Name)
	// Output:
	// 0 notifications; active: east-gw-7
}
