package cnitest

import (
	"net/netip"
	"time"

	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/cni"
	"github.com/meshstate/meshstate/internal/rapidreport"
)

// PodCIDRs returns the pod CIDRs the generators draw addresses around, a
// fresh slice each time.
func PodCIDRs() []netip.Prefix {
	return []netip.Prefix{netip.MustParsePrefix("10.244.0.0/16"), netip.MustParsePrefix("fd00:244::/56")}
}

// names gives each generated index a fixed name, so snapshots never list
// one twice; index 1 is the CNI interface's stand-in.
var names = [...]string{1: "tunl0", 2: "eth0", 3: "cali12ab", 4: "vxlan.calico", 5: "veth9", 6: "lo"}

// addrs mixes addresses inside the pod CIDRs with unrelated ones.
var addrs = []netip.Prefix{
	netip.MustParsePrefix("10.244.3.1/32"), netip.MustParsePrefix("10.244.7.9/24"),
	netip.MustParsePrefix("fd00:244::1/128"), netip.MustParsePrefix("192.168.1.5/24"),
	netip.MustParsePrefix("2001:db8::1/64"), netip.MustParsePrefix("127.0.0.1/8"),
}

// Start returns the time a generated history starts from.
func Start() time.Time { return time.Date(2025, 6, 30, 7, 0, 0, 0, time.UTC) }

// History draws a sequence of events: links appearing late, disappearing
// and coming back, addresses added and removed (the CNI address changing),
// unrelated links, node readiness flips and relists, at increasing times.
func History(t *rapid.T, n int) []cni.Event {
	at := Start()
	evs := make([]cni.Event, 0, n)
	for range n {
		at = at.Add(time.Duration(rapid.IntRange(1, 5000).Draw(t, "ms")) * time.Millisecond)
		evs = append(evs, event(t, at))
	}
	return evs
}

func event(t *rapid.T, at time.Time) cni.Event {
	index := rapid.IntRange(1, len(names)-1).Draw(t, "index")
	addr := rapidreport.Draw(t, rapid.SampledFrom(addrs), "addr")
	switch rapid.IntRange(0, 9).Draw(t, "kind") {
	case 0:
		return cni.NodeReady{Ready: rapid.Bool().Draw(t, "ready"), At: at}
	case 1:
		return cni.Snapshot{Links: snapshot(t), At: at}
	case 2, 3:
		return cni.LinkChanged{Link: cni.Link{Index: index, Name: names[index], Up: rapid.Bool().Draw(t, "up")}, At: at}
	case 4:
		return cni.LinkRemoved{Index: index, At: at}
	case 5, 6, 7:
		return cni.AddrAdded{Index: index, Address: addr, At: at}
	default:
		return cni.AddrRemoved{Index: index, Address: addr, At: at}
	}
}

func snapshot(t *rapid.T) []cni.Link {
	var links []cni.Link
	for i := 1; i < len(names); i++ {
		if !rapid.Bool().Draw(t, "present") {
			continue
		}
		l := cni.Link{Index: i, Name: names[i], Up: rapid.Bool().Draw(t, "up")}
		for _, a := range addrs {
			if rapid.IntRange(0, 3).Draw(t, "has") == 0 {
				l.Addrs = append(l.Addrs, a)
			}
		}
		links = append(links, l)
	}
	return links
}
