package cni_test

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/meshstate/meshstate/cni"
)

// The route agent starts before calico-node has created tunl0: the search
// fails and a relist is scheduled; the interface is discovered on the event
// that gives it its address, and followed when the address changes.
func ExampleMachine() {
	m, err := cni.New(cni.Config{PodCIDRs: []netip.Prefix{netip.MustParsePrefix("10.244.0.0/16")}})
	if err != nil {
		fmt.Println(err)
		return
	}
	at := time.Date(2025, 6, 30, 7, 30, 0, 0, time.UTC)
	eth0 := cni.Link{Index: 2, Name: "eth0", Up: true, Addrs: []netip.Prefix{netip.MustParsePrefix("10.240.0.17/24")}}
	for _, ev := range []cni.Event{
		cni.Snapshot{Links: []cni.Link{eth0}, At: at},
		cni.LinkChanged{Link: cni.Link{Index: 9, Name: "tunl0", Up: true}, At: at.Add(time.Second)},
		cni.AddrAdded{Index: 9, Address: netip.MustParsePrefix("10.244.3.1/32"), At: at.Add(time.Second)},
		cni.AddrAdded{Index: 9, Address: netip.MustParsePrefix("10.244.9.1/32"), At: at.Add(time.Hour)},
		cni.AddrRemoved{Index: 9, Address: netip.MustParsePrefix("10.244.3.1/32"), At: at.Add(time.Hour)},
		cni.LinkRemoved{Index: 9, At: at.Add(2 * time.Hour)},
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
	// RetryAfter 4.288803506s (attempt 1)
	// Discovered tunl0#9 10.244.3.1/32
	// Discovered tunl0#9 10.244.9.1/32
	// Lost tunl0#9
	// RetryAfter 4.288803506s (attempt 1)
}

// Choose prefers an up link, then the lowest ifindex.
func ExampleChoose() {
	cidrs := []netip.Prefix{netip.MustParsePrefix("10.244.0.0/16"), netip.MustParsePrefix("fd00:244::/56")}
	c, ok := cni.Choose([]cni.Link{
		{Index: 3, Name: "vxlan.calico", Up: true, Addrs: []netip.Prefix{netip.MustParsePrefix("fd00:244::1/128")}},
		{Index: 2, Name: "tunl0", Up: false, Addrs: []netip.Prefix{netip.MustParsePrefix("10.244.3.1/32")}},
		{Index: 1, Name: "eth0", Up: true, Addrs: []netip.Prefix{netip.MustParsePrefix("192.168.1.5/24")}},
	}, cidrs)
	fmt.Println(c, ok)
	// Output: {vxlan.calico 3 fd00:244::1/128} true
}
