package kernel

import (
	"fmt"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/meshstate/meshstate/cni"
)

var benchCIDRs = []netip.Prefix{netip.MustParsePrefix("10.244.0.0/16")}

// benchLoop is a loop over a watcher that knows n links: the CNI
// interface (index 1, a pod address) and n-1 others with one address each.
// Its handle is never used: the benchmark feeds updates directly.
func benchLoop(b *testing.B, n int) *loop {
	w, err := New(Config{Handle: &netlink.Handle{}, Report: func(cni.Effect) {}, Machine: cni.Config{PodCIDRs: benchCIDRs}})
	if err != nil {
		b.Fatal(err)
	}
	links := make([]cni.Link, n)
	links[0] = cni.Link{Index: 1, Name: "tunl0", Up: true, Addrs: []netip.Prefix{netip.MustParsePrefix("10.244.0.1/32")}}
	for i := 1; i < n; i++ {
		links[i] = cni.Link{Index: i + 1, Name: fmt.Sprintf("veth%d", i), Up: true,
			Addrs: []netip.Prefix{netip.PrefixFrom(netip.AddrFrom4([4]byte{192, 168, byte(i >> 8), byte(i)}), 32)}}
	}
	l := &loop{w: w, retry: time.NewTimer(time.Hour)}
	l.retry.Stop()
	l.step(cni.Snapshot{Links: links, At: time.Now()}, false)
	if c, ok := w.m.Current(); !ok || c.Index != 1 {
		b.Fatalf("not discovered: %v", c)
	}
	return l
}

// benchUpdates are the updates of one cycle over the links, as netlink
// delivers them: an address added and removed on every link but the CNI
// interface, a second pod address added and removed on a later link (a
// candidate that does not win), and one on the CNI interface itself.
func benchUpdates(n int) []any {
	addr := func(i int, ip net.IP, add bool) netlink.AddrUpdate {
		return netlink.AddrUpdate{LinkIndex: i, NewAddr: add, LinkAddress: net.IPNet{IP: ip, Mask: net.CIDRMask(32, 32)}}
	}
	var out []any
	for i := 2; i <= n; i++ {
		ip := net.IPv4(172, 16, byte(i>>8), byte(i))
		out = append(out, addr(i, ip, true), addr(i, ip, false))
	}
	pod := net.IPv4(10, 244, 9, 9)
	out = append(out, addr(n, pod, true), addr(n, pod, false), addr(1, pod, true), addr(1, pod, false))
	up := netlink.LinkUpdate{Header: unix.NlMsghdr{Type: unix.RTM_NEWLINK},
		Link: &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Index: n, Name: fmt.Sprintf("veth%d", n-1), Flags: net.FlagUp}}}
	return append(out, up)
}

// run feeds count updates, cycling, converted as Run converts them.
func (l *loop) run(updates []any, count int) time.Duration {
	start := time.Now()
	for i := range count {
		switch u := updates[i%len(updates)].(type) {
		case netlink.AddrUpdate:
			if ev, ok := addrEvent(u, start); ok {
				l.step(ev, true)
			}
		case netlink.LinkUpdate:
			l.step(linkEvent(u, start), true)
		}
	}
	return time.Since(start)
}

// BenchmarkEvent is the cost of one link or address update (conversion,
// machine step, status) with 100, 1,000 and 5,000 links known. Issue 13:
// it was O(links), 367 µs at 1,000 and 2 ms at 5,000 (every event copied
// and sorted every link). x-baseline is the cost at N divided by the cost
// at 100 links over the same number of updates in the same run: about 1
// means independent of the number of links. before-µs is, for reference,
// what every event used to cost on top: Choose over a copy of Links().
func BenchmarkEvent(b *testing.B) {
	base := benchLoop(b, 100)
	baseUpdates := benchUpdates(100)
	for _, n := range []int{100, 1000, 5000} {
		b.Run(fmt.Sprintf("links=%d", n), func(b *testing.B) {
			l := benchLoop(b, n)
			updates := benchUpdates(n)
			b.ReportAllocs()
			b.ResetTimer()
			// Chunks of N's updates and the baseline's alternate, so that
			// neither gains from the order or from the machine's load
			// drifting during the run; only N's are timed by b.
			var d, bd time.Duration
			for done := 0; done < b.N; {
				k := min(1024, b.N-done)
				d += l.run(updates, k)
				b.StopTimer()
				bd += base.run(baseUpdates, k)
				b.StartTimer()
				done += k
			}
			b.StopTimer()
			b.ReportMetric(float64(d.Nanoseconds())/float64(b.N), "ns/event")
			b.ReportMetric(d.Seconds()/bd.Seconds(), "x-baseline")
			t0 := time.Now()
			const reps = 20
			for range reps {
				cni.Choose(l.w.m.Links(), benchCIDRs)
			}
			b.ReportMetric(float64(time.Since(t0).Microseconds())/reps, "before-µs")
		})
	}
}
