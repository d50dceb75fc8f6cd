package endpoint_test

import (
	"fmt"
	"time"

	"github.com/meshstate/meshstate/endpoint"
)

// Submariner issue 3335: two endpoints of a cluster created in the same
// second, without a sequence. The name breaks the tie, so the second one is
// superseded on arrival; when the first goes, the live one is announced
// after the removal, and later retired once, as the active endpoint.
func Example_sameSecondFailover() {
	m, err := endpoint.New(endpoint.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	at := time.Date(2025, 6, 30, 20, 4, 23, 0, time.UTC)
	a := endpoint.Endpoint{Name: "east-submariner-cable-east-10-2-0-9", ClusterID: "east", CreatedAt: at}
	b := endpoint.Endpoint{Name: "east-submariner-cable-east-10-2-0-11", ClusterID: "east", CreatedAt: at}
	for _, ev := range []endpoint.Event{
		endpoint.Synced{},
		endpoint.Upsert{Endpoint: a},
		endpoint.Upsert{Endpoint: b},
		endpoint.Delete{Name: a.Name},
		endpoint.Delete{Name: b.Name},
	} {
		ns, err := m.Step(ev)
		if err != nil {
			fmt.Println("rejected:", err)
		}
		fmt.Printf("%T -> %v\n", ev, ns)
	}
	// Output:
	// endpoint.Synced -> []
	// endpoint.Upsert -> [RemoteEndpointCreated east-submariner-cable-east-10-2-0-9]
	// endpoint.Upsert -> []
	// endpoint.Delete -> [RemoteEndpointRemoved east-submariner-cable-east-10-2-0-9 RemoteEndpointCreated east-submariner-cable-east-10-2-0-11]
	// endpoint.Delete -> [RemoteEndpointRemoved east-submariner-cable-east-10-2-0-11]
}

// The local gateway fails over from node-1 to node-2: the old endpoint is
// retired as StaleLocalEndpointRemoved, never LocalEndpointRemoved. A
// handler ported from Submariner that learns "no longer the gateway" from
// LocalEndpointRemoved keeps believing node-1 is the gateway; one that
// watches LocalEndpointCreated and compares the Hostname with its node
// learns it at once.
func Example_localGatewayFailover() {
	const node = "node-1" // the node this handler runs on
	ported, watching := true, true
	h := endpoint.HandlerFuncs{
		LocalCreated: func(ep *endpoint.Endpoint) error {
			watching = ep.Hostname == node
			return nil
		},
		LocalRemoved: func(ep *endpoint.Endpoint) error {
			if ep.Hostname == node {
				ported, watching = false, false
			}
			return nil
		},
	}
	m, err := endpoint.New(endpoint.Config{LocalClusterID: "west"})
	if err != nil {
		fmt.Println(err)
		return
	}
	at := time.Date(2025, 6, 30, 20, 4, 23, 0, time.UTC)
	first := endpoint.Endpoint{Name: "west-gw-1", ClusterID: "west", Hostname: node, CreatedAt: at, Sequence: 1}
	second := endpoint.Endpoint{Name: "west-gw-2", ClusterID: "west", Hostname: "node-2", CreatedAt: at, Sequence: 2}
	for _, ev := range []endpoint.Event{
		endpoint.Upsert{Endpoint: first},
		endpoint.Synced{},
		endpoint.Upsert{Endpoint: second},
		endpoint.Delete{Name: first.Name},
	} {
		ns, err := m.Step(ev)
		if err != nil {
			fmt.Println("rejected:", err)
		}
		for _, n := range ns {
			if err := endpoint.Deliver(h, n); err != nil {
				fmt.Println(err)
			}
			fmt.Println(n)
		}
	}
	fmt.Println("ported handler thinks node-1 is the gateway:", ported)
	fmt.Println("LocalEndpointCreated watcher thinks so:", watching)
	// Output:
	// LocalEndpointCreated west-gw-1
	// LocalEndpointCreated west-gw-2
	// StaleLocalEndpointRemoved west-gw-1
	// ported handler thinks node-1 is the gateway: true
	// LocalEndpointCreated watcher thinks so: false
}
