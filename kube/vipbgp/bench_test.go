package vipbgp_test

import (
	"context"
	"fmt"
	"net/netip"
	"runtime"
	"slices"
	"syscall"
	"testing"
	"time"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/apiutil"
	"github.com/osrg/gobgp/v3/pkg/packet/bgp"
	"github.com/osrg/gobgp/v3/pkg/server"

	"github.com/meshstate/meshstate/kube/internal/kubetest"
	"github.com/meshstate/meshstate/kube/vipbgp"
	"github.com/meshstate/meshstate/kube/vipbgp/internal/loop"
	"github.com/meshstate/meshstate/kube/vipbgp/vipbgptest"
)

// The benchmarks run against the kit's peer, a GoBGP speaker in its own
// network namespace over a veth pair: they need root (vipbgptest.Main
// re-executes the binary in a fresh namespace) and skip without it,
// outside CI. Their figures are times from the announcer's side to the
// peer's table, taken from the peer's own receive timestamps
// (vipbgptest.Event.At), not from the polling that waits for them.
//
//	go test -run '^$' -bench . -benchmem -count 5

// benchWait bounds every wait of the benchmarks.
const benchWait = time.Minute

// benchVIPs are n addresses from 198.18.0.1 on.
func benchVIPs(n int) []netip.Addr {
	out := make([]netip.Addr, n)
	for i := range out {
		out[i] = netip.AddrFrom4([4]byte{198, 18, byte((i + 1) >> 8), byte(i + 1)})
	}
	return out
}

// benchConfig is the announcer's configuration for peer: no graceful
// restart unless a benchmark asks for it, so that stopping the announcer
// empties the peer's table at once (Cease).
func benchConfig(peer *vipbgptest.Peer) vipbgp.Config {
	return vipbgp.Config{ASN: 65000, RouterID: peer.LocalAddress(),
		Peers: []vipbgp.Peer{{Address: peer.Address(), ASN: peer.ASN()}}}
}

// benchRun runs a's Run in a goroutine; the function it returns cancels
// it and waits for it.
func benchRun(b *testing.B, a *vipbgp.Announcer) (stop func()) {
	r := kubetest.Go(a.Run)
	return func() { r.Stop(b) }
}

// waitPeerState waits until the announcer reports its one peer in state.
func waitPeerState(b *testing.B, a *vipbgp.Announcer, state vipbgp.SessionState) {
	b.Helper()
	vipbgptest.WaitFor(b, benchWait, "the peer in state "+string(state), func() bool {
		ps := a.Peers()
		return len(ps) == 1 && ps[0].State == state
	})
}

// waitTable waits until the peer's table holds exactly want, none stale,
// checking the cheap sign first (that the peer has heard of want's last
// prefix, say), then the table itself. If up is not nil, it also returns
// when up first held, at the resolution of its polling (10 ms).
func waitTable(b *testing.B, peer *vipbgptest.Peer, want []netip.Prefix, sign, up func() bool) (upAt time.Time) {
	b.Helper()
	vipbgptest.WaitFor(b, benchWait, fmt.Sprintf("%d routes in the peer's table", len(want)), func() bool {
		if up != nil && upAt.IsZero() && up() {
			upAt = time.Now()
		}
		if !sign() {
			return false
		}
		got := peerTable(b, peer)
		if len(got) != len(want) {
			return false
		}
		for i, r := range got {
			if r.Prefix != want[i] || r.Stale {
				return false
			}
		}
		return true
	})
	return upAt
}

// waitEmpty waits until the peer's table is empty.
func waitEmpty(b *testing.B, peer *vipbgptest.Peer) {
	b.Helper()
	vipbgptest.WaitFor(b, benchWait, "an empty table at the peer", func() bool { return len(peerTable(b, peer)) == 0 })
}

// arrival is when the last of want was announced to the peer, among the
// events from offset on, and whether all of them were.
func arrival(peer *vipbgptest.Peer, offset int, want []netip.Prefix) (time.Time, bool) {
	seen := make(map[netip.Prefix]bool, len(want))
	for _, p := range want {
		seen[p] = false
	}
	var last time.Time
	n := 0
	for _, e := range peer.Events()[offset:] {
		if e.Withdraw || e.EndOfRIB {
			continue
		}
		if done, ok := seen[e.Prefix]; ok && !done {
			seen[e.Prefix] = true
			n++
			if e.At.After(last) {
				last = e.At
			}
		}
	}
	return last, n == len(want)
}

// announcedLast reports whether the peer has been announced prefix since
// its count was before.
func announcedLast(peer *vipbgptest.Peer, prefix netip.Prefix, before int) func() bool {
	return func() bool { n, _ := peer.Count(prefix); return n > before }
}

// BenchmarkSyncToPeer is the sync gate's cost as a peer sees it: N VIPs
// are announced to a running announcer before its first Commit, and the
// time is from that Commit (the adapter's, once both caches have synced)
// to the last of the N in the peer's table. ms/op is that time, routes/s
// N over it; ms-established/op is the part until the session is
// established (GoBGP waits 1 to 2 s at random before its first connection
// to a peer; polled every 10 ms), ms-after-established/op the rest: the N
// routes' UPDATEs and their processing by the peer. Goal (issue 18): under
// 1 s for 10,000.
func BenchmarkSyncToPeer(b *testing.B) {
	for _, n := range []int{1, 10000} {
		b.Run(fmt.Sprintf("vips=%d", n), func(b *testing.B) { benchSyncToPeer(b, n) })
	}
}

func benchSyncToPeer(b *testing.B, n int) {
	peer := vipbgptest.StartPeer(b, vipbgptest.PeerConfig{NoGracefulRestart: true})
	addrs := benchVIPs(n)
	want := hostRoutes(addrs)
	ctx := context.Background()
	var total, toEstablished time.Duration
	b.ResetTimer()
	b.StopTimer()
	for range b.N {
		a, err := vipbgp.New(benchConfig(peer))
		if err != nil {
			b.Fatal(err)
		}
		stop := benchRun(b, a)
		waitPeerState(b, a, vipbgp.StateWaitingForSync)
		for _, v := range addrs {
			if err := a.Announce(ctx, v, []string{"bench/svc"}); err != nil {
				b.Fatal(err)
			}
		}
		offset := len(peer.Events())
		before, _ := peer.Count(want[n-1])
		b.StartTimer()
		committed := time.Now()
		if err := a.Commit(ctx); err != nil {
			b.Fatal(err)
		}
		upAt := waitTable(b, peer, want, announcedLast(peer, want[n-1], before), func() bool {
			ps := a.Peers()
			return ps[0].State == vipbgp.StateEstablished
		})
		b.StopTimer()
		at, ok := arrival(peer, offset, want)
		if !ok {
			b.Fatalf("the peer's table holds the %d routes, but its events from the Commit on do not announce them all", n)
		}
		total += at.Sub(committed)
		// The session was up by the time the last route arrived, whatever
		// the 10 ms polling saw.
		if at.Before(upAt) {
			upAt = at
		}
		toEstablished += upAt.Sub(committed)
		stop()
		waitEmpty(b, peer)
	}
	sec := total.Seconds() / float64(b.N)
	b.ReportMetric(sec*1000, "ms/op")
	b.ReportMetric(float64(n)/sec, "routes/s")
	b.ReportMetric(toEstablished.Seconds()*1000/float64(b.N), "ms-established/op")
	b.ReportMetric((total-toEstablished).Seconds()*1000/float64(b.N), "ms-after-established/op")
}

// BenchmarkAnnounce10kVsGoBGP announces 10,000 VIPs through the
// Announcer, its session with the peer already established, and the same
// 10,000 paths straight through GoBGP's API (building each path and
// calling BgpServer.AddPath) on a fresh speaker with the same
// configuration and the same peer, one after the other, in pairs that
// alternate which goes first (five pairs per op), each after a garbage
// collection so that neither pays for the other's garbage. Each time runs from
// the first call to the last route in the peer's table.
//
// x-gobgp is GoBGP's time over the announcer's (goal: 0.8 or more);
// x-baseline its inverse, the announcer's cost as a multiple of GoBGP's
// (x-target 1.25, the same goal); both are medians over the pairs, as a
// preemption on a shared 2-core machine (the peer, the speaker and the
// benchmark compete for it) moves one pair's ratio, not the median.
// x-gobgp-calls compares the calls alone (Announce against building and
// adding the path), without the wire and the peer.
func BenchmarkAnnounce10kVsGoBGP(b *testing.B) {
	const n, pairs = 10000, 5
	peer := vipbgptest.StartPeer(b, vipbgptest.PeerConfig{NoGracefulRestart: true})
	addrs := benchVIPs(n)
	want := hostRoutes(addrs)
	var ann, base time.Duration
	var ratios, callRatios []float64
	b.ResetTimer()
	b.StopTimer()
	for i := range b.N * pairs {
		var d, bd, calls, bcalls time.Duration
		announcer := func() { d, calls = benchAnnouncer(b, peer, addrs, want) }
		gobgp := func() { bd, bcalls = benchGoBGP(b, peer, addrs, want) }
		if i%2 == 0 {
			announcer()
			gobgp()
		} else {
			gobgp()
			announcer()
		}
		ann, base = ann+d, base+bd
		ratios = append(ratios, bd.Seconds()/d.Seconds())
		callRatios = append(callRatios, bcalls.Seconds()/calls.Seconds())
	}
	x := benchMedian(ratios)
	b.ReportMetric(ann.Seconds()*1000/float64(b.N*pairs), "ms/op")
	b.ReportMetric(base.Seconds()*1000/float64(b.N*pairs), "gobgp-ms/op")
	b.ReportMetric(x, "x-gobgp")
	b.ReportMetric(1/x, "x-baseline")
	b.ReportMetric(1.25, "x-target") // issue 18: the announcer at 0.8 of GoBGP's speed or better
	b.ReportMetric(benchMedian(callRatios), "x-gobgp-calls")
}

// benchMedian is the median of xs, which is not empty.
func benchMedian(xs []float64) float64 {
	xs = slices.Clone(xs)
	slices.Sort(xs)
	if len(xs)%2 == 1 {
		return xs[len(xs)/2]
	}
	return (xs[len(xs)/2-1] + xs[len(xs)/2]) / 2
}

// benchAnnouncer runs a fresh announcer, committed with nothing, until its
// session is established and its End-of-RIB received, then times the
// announcement of addrs until the last is in the peer's table (d), and
// the Announce calls alone (calls); then it stops the announcer and waits
// for the peer's table to empty.
func benchAnnouncer(b *testing.B, peer *vipbgptest.Peer, addrs []netip.Addr, want []netip.Prefix) (d, calls time.Duration) {
	ctx := context.Background()
	a, err := vipbgp.New(benchConfig(peer))
	if err != nil {
		b.Fatal(err)
	}
	stop := benchRun(b, a)
	if err := a.Commit(ctx); err != nil {
		b.Fatal(err)
	}
	waitPeerState(b, a, vipbgp.StateEstablished)
	vipbgptest.WaitFor(b, benchWait, "the peer's session established", peer.Established)
	offset := len(peer.Events())
	before, _ := peer.Count(want[len(want)-1])
	runtime.GC()
	b.StartTimer()
	start := time.Now()
	for _, v := range addrs {
		if err := a.Announce(ctx, v, []string{"bench/svc"}); err != nil {
			b.Fatal(err)
		}
	}
	calls = time.Since(start)
	waitTable(b, peer, want, announcedLast(peer, want[len(want)-1], before), nil)
	b.StopTimer()
	at, ok := arrival(peer, offset, want)
	if !ok {
		b.Fatal("the announcer's routes are in the peer's table, but not all in its events")
	}
	stop()
	waitEmpty(b, peer)
	return at.Sub(start), calls
}

// benchGoBGP is benchAnnouncer with a GoBGP speaker of the same
// configuration as the announcer's, driven through its API directly.
func benchGoBGP(b *testing.B, peer *vipbgptest.Peer, addrs []netip.Addr, want []netip.Prefix) (d, calls time.Duration) {
	ctx := context.Background()
	s, stop := startSpeaker(b, benchConfig(peer))
	defer stop()
	vipbgptest.WaitFor(b, benchWait, "GoBGP's session established", func() bool {
		up := false
		_ = s.ListPeer(ctx, &api.ListPeerRequest{}, func(p *api.Peer) {
			up = p.GetState().GetSessionState() == api.PeerState_ESTABLISHED
		})
		return up
	})
	vipbgptest.WaitFor(b, benchWait, "the peer's session established", peer.Established)
	offset := len(peer.Events())
	before, _ := peer.Count(want[len(want)-1])
	runtime.GC()
	b.StartTimer()
	start := time.Now()
	for _, v := range addrs {
		if _, err := s.AddPath(ctx, &api.AddPathRequest{TableType: api.TableType_GLOBAL, Path: gobgpPath(b, v)}); err != nil {
			b.Fatal(err)
		}
	}
	calls = time.Since(start)
	waitTable(b, peer, want, announcedLast(peer, want[len(want)-1], before), nil)
	b.StopTimer()
	at, ok := arrival(peer, offset, want)
	if !ok {
		b.Fatal("GoBGP's routes are in the peer's table, but not all in its events")
	}
	stop()
	waitEmpty(b, peer)
	return at.Sub(start), calls
}

// gobgpPath is vip's host route as the announcer builds it: origin IGP,
// next hop self (GoBGP's unspecified next hop), no communities.
func gobgpPath(b *testing.B, vip netip.Addr) *api.Path {
	nlri := bgp.NewIPAddrPrefix(32, vip.String())
	attrs := []bgp.PathAttributeInterface{bgp.NewPathAttributeOrigin(bgp.BGP_ORIGIN_ATTR_TYPE_IGP), bgp.NewPathAttributeNextHop("0.0.0.0")}
	p, err := apiutil.NewPath(nlri, false, attrs, time.Time{})
	if err != nil {
		b.Fatal(err)
	}
	p.Family = &api.Family{Afi: api.Family_AFI_IP, Safi: api.Family_SAFI_UNICAST}
	return p
}

// startSpeaker starts a GoBGP speaker configured as an announcer of cfg
// would be once committed (one peer, both unicast families, no
// listening); stop stops it and ends its serve loop.
func startSpeaker(b *testing.B, cfg vipbgp.Config) (*server.BgpServer, func()) {
	ctx := context.Background()
	s, end := loop.Start(nil) // its lines dropped: the benchmark reads the peer's side
	if err := s.StartBgp(ctx, &api.StartBgpRequest{Global: &api.Global{
		Asn: cfg.ASN, RouterId: cfg.RouterID.String(), ListenPort: -1}}); err != nil {
		b.Fatal(err)
	}
	p := cfg.Peers[0]
	n := &api.Peer{Conf: &api.PeerConf{NeighborAddress: p.Address.String(), PeerAsn: p.ASN},
		Transport: &api.Transport{RemotePort: 179}}
	for _, f := range []*api.Family{
		{Afi: api.Family_AFI_IP, Safi: api.Family_SAFI_UNICAST},
		{Afi: api.Family_AFI_IP6, Safi: api.Family_SAFI_UNICAST},
	} {
		n.AfiSafis = append(n.AfiSafis, &api.AfiSafi{Config: &api.AfiSafiConfig{Family: f, Enabled: true}})
	}
	if err := s.AddPeer(ctx, &api.AddPeerRequest{Peer: n}); err != nil {
		b.Fatal(err)
	}
	stopped := false
	return s, func() {
		if stopped {
			return
		}
		stopped = true
		if err := s.StopBgp(ctx, &api.StopBgpRequest{}); err != nil {
			b.Fatal(err)
		}
		if err := end.End(ctx, s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRestart1k restarts an announcer process holding 1,000 VIPs, with
// graceful restart, against a peer that helps: the process is killed
// (kill: SIGKILL, a crash) or stopped (term: SIGTERM, a rolling update),
// and a new one, with the same VIPs, started at once. withdrawals/op is
// how many withdrawals the peer saw from the stop on (goal: 0); ms/op the
// time from the new process's start until the peer's table holds the
// 1,000 routes again, none stale (polled every 10 ms: the peer's events
// do not tell a stale route refreshed from one left alone), and
// ms-established/op the part of it until the peer has the new session
// established. The
// processes are the test binary in this package's announcer mode
// (childSpec), as for the tests that kill an announcer.
func BenchmarkRestart1k(b *testing.B) {
	for _, sig := range []syscall.Signal{syscall.SIGKILL, syscall.SIGTERM} {
		name := map[syscall.Signal]string{syscall.SIGKILL: "kill", syscall.SIGTERM: "term"}[sig]
		b.Run(name, func(b *testing.B) { benchRestart(b, sig) })
	}
}

func benchRestart(b *testing.B, sig syscall.Signal) {
	const n = 1000
	peer := vipbgptest.StartPeer(b, vipbgptest.PeerConfig{})
	cfg := benchConfig(peer)
	cfg.GracefulRestart = vipbgp.GracefulRestart{Enabled: true, RestartTime: 120 * time.Second}
	spec := childSpec{Config: cfg, VIPs: benchVIPs(n)}
	want := hostRoutes(spec.VIPs)
	var total, toEstablished time.Duration
	withdrawals := 0
	b.ResetTimer()
	b.StopTimer()
	always := func() bool { return true }
	for range b.N {
		first := startChild(b, spec)
		waitTable(b, peer, want, always, nil)
		offset := len(peer.Events())
		if err := first.Process.Signal(sig); err != nil {
			b.Fatal(err)
		}
		_ = first.Wait()
		vipbgptest.WaitFor(b, benchWait, "the peer to notice the session is gone", func() bool { return !peer.Established() })
		b.StartTimer()
		start := time.Now()
		second := startChild(b, spec)
		upAt := waitTable(b, peer, want, always, peer.Established) // every route there, none stale
		total += time.Since(start)
		toEstablished += upAt.Sub(start)
		b.StopTimer()
		for _, e := range peer.Events()[offset:] {
			if e.Withdraw {
				withdrawals++
			}
		}
		// Clean up for the next round: a helper would keep the routes
		// of a killed announcer for two minutes.
		_ = second.Process.Kill()
		_ = second.Wait()
		peer.Stop(b)
		peer.Restart(b)
	}
	b.ReportMetric(total.Seconds()*1000/float64(b.N), "ms/op")
	b.ReportMetric(float64(withdrawals)/float64(b.N), "withdrawals/op")
	b.ReportMetric(toEstablished.Seconds()*1000/float64(b.N), "ms-established/op")
}
