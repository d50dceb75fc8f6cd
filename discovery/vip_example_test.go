package discovery_test

import (
	"fmt"
	"net/netip"

	"github.com/meshstate/meshstate/discovery"
)

// Incident 004 in four events: the slice arrives before its Service and is
// kept; nothing is decided until both informers have synced, and then the
// VIP is advertised at once.
func ExampleVIPMachine() {
	m, err := discovery.NewVIPMachine(discovery.VIPConfig{NodeName: "node-a"})
	if err != nil {
		panic(err)
	}
	for _, ev := range []discovery.VIPEvent{
		discovery.SliceUpsert{Slice: discovery.VIPSlice{Namespace: "default", Name: "web-7xk2p", UID: "s-1",
			ServiceName: "web", Endpoints: []discovery.SliceEndpoint{{NodeName: "node-b"}}}},
		discovery.SlicesSynced{},
		discovery.ServiceUpsert{Service: discovery.VIPService{Namespace: "default", Name: "web", UID: "u-1",
			Type: discovery.ServiceTypeLoadBalancer, VIPs: []netip.Addr{netip.MustParseAddr("192.0.2.10")}}},
		discovery.ServicesSynced{},
		discovery.ServiceDeleted{Namespace: "default", Name: "web"},
	} {
		effects, err := m.Step(ev)
		if err != nil {
			fmt.Println("rejected:", err)
		}
		for _, e := range effects {
			fmt.Println(e)
		}
	}
	// Output:
	// Advertise 192.0.2.10 [default/web]
	// Withdraw 192.0.2.10 []
}

// A restart with startup cleanup: the adapter passes the VIPs it announced
// before; at sync the machine withdraws only the one that no longer
// qualifies.
func ExampleVIPConfig_advertised() {
	m, _ := discovery.NewVIPMachine(discovery.VIPConfig{NodeName: "node-a",
		Advertised: []netip.Addr{netip.MustParseAddr("192.0.2.10"), netip.MustParseAddr("192.0.2.99")}})
	m.Step(discovery.ServiceUpsert{Service: discovery.VIPService{Namespace: "default", Name: "web", UID: "u-1",
		Type: discovery.ServiceTypeLoadBalancer, VIPs: []netip.Addr{netip.MustParseAddr("192.0.2.10")}}})
	m.Step(discovery.SliceUpsert{Slice: discovery.VIPSlice{Namespace: "default", Name: "web-7xk2p", UID: "s-1",
		ServiceName: "web", Endpoints: []discovery.SliceEndpoint{{NodeName: "node-a"}}}})
	m.Step(discovery.ServicesSynced{})
	effects, _ := m.Step(discovery.SlicesSynced{})
	for _, e := range effects {
		fmt.Println(e)
	}
	// Output:
	// Advertise 192.0.2.10 [default/web]
	// Withdraw 192.0.2.99 []
}
