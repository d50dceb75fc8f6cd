package vip_test

import (
	"fmt"
	"net/netip"

	"github.com/meshstate/meshstate/discovery/vip"
)

// Incident 004 in four events: the slice arrives before its Service and is
// kept; nothing is decided until both informers have synced, and then the
// VIP is advertised at once.
func ExampleMachine() {
	m, err := vip.New(vip.Config{NodeName: "node-a"})
	if err != nil {
		panic(err)
	}
	for _, ev := range []vip.Event{
		vip.SliceUpsert{Slice: vip.Slice{Namespace: "default", Name: "web-7xk2p", UID: "s-1",
			ServiceName: "web", Endpoints: []vip.SliceEndpoint{{NodeName: "node-b"}}}},
		vip.SlicesSynced{},
		vip.ServiceUpsert{Service: vip.Service{Namespace: "default", Name: "web", UID: "u-1",
			Type: vip.ServiceTypeLoadBalancer, VIPs: []netip.Addr{netip.MustParseAddr("192.0.2.10")}}},
		vip.ServicesSynced{},
		vip.ServiceDeleted{Namespace: "default", Name: "web"},
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
func ExampleConfig_advertised() {
	m, _ := vip.New(vip.Config{NodeName: "node-a",
		Advertised: []netip.Addr{netip.MustParseAddr("192.0.2.10"), netip.MustParseAddr("192.0.2.99")}})
	m.Step(vip.ServiceUpsert{Service: vip.Service{Namespace: "default", Name: "web", UID: "u-1",
		Type: vip.ServiceTypeLoadBalancer, VIPs: []netip.Addr{netip.MustParseAddr("192.0.2.10")}}})
	m.Step(vip.SliceUpsert{Slice: vip.Slice{Namespace: "default", Name: "web-7xk2p", UID: "s-1",
		ServiceName: "web", Endpoints: []vip.SliceEndpoint{{NodeName: "node-a"}}}})
	m.Step(vip.ServicesSynced{})
	effects, _ := m.Step(vip.SlicesSynced{})
	for _, e := range effects {
		fmt.Println(e)
	}
	// Output:
	// Advertise 192.0.2.10 [default/web]
	// Withdraw 192.0.2.99 []
}
