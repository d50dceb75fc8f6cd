package vipbgp_test

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/meshstate/meshstate/kube/internal/kubetest"
	"github.com/meshstate/meshstate/kube/vipbgp"
	"github.com/meshstate/meshstate/kube/vipbgp/vipbgptest"
)

// Incident 004's gate: VIPs announced before the first Commit, before Run
// and while it runs, reach no peer; no session is even opened. The first
// Commit sends the whole set, then End-of-RIB (which GoBGP sends with
// graceful restart).
func TestNothingBeforeFirstCommit(t *testing.T) {
	peer := vipbgptest.StartPeer(t, vipbgptest.PeerConfig{})
	defer noLeaks(t)()
	ctx := context.Background()
	cfg := config(t, peer)
	cfg.GracefulRestart.Enabled = true
	a, err := vipbgp.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	all := vips(50)
	for _, v := range all[:25] {
		if err := a.Announce(ctx, v, []string{"ns/early"}); err != nil {
			t.Fatal(err)
		}
	}
	if ps := a.Peers(); ps[0].State != vipbgp.StateNotRunning {
		t.Errorf("before Run, the peer's state is %q", ps[0].State)
	}
	r := kubetest.Go(a.Run)
	defer r.Stop(t)
	for _, v := range all[25:] {
		if err := a.Announce(ctx, v, []string{"ns/late"}); err != nil {
			t.Fatal(err)
		}
	}
	vipbgptest.WaitFor(t, wait, "the speaker to run", func() bool { return a.Peers()[0].State == vipbgp.StateWaitingForSync })
	// GoBGP's first connection attempt comes 1-2 s after a peer is added:
	// give it longer than that to misbehave, then look.
	time.Sleep(3 * time.Second)
	if peer.Established() {
		t.Fatal("a session was opened before the first Commit")
	}
	if got := rib(t, peer); len(got) != 0 || len(peer.Events()) != 0 {
		t.Fatalf("before the first Commit the peer holds %d routes and saw %d events", len(got), len(peer.Events()))
	}

	if err := a.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	ribIs(t, peer, hosts(all))
	vipbgptest.WaitFor(t, wait, "End-of-RIB", func() bool { return peer.EndOfRIBs() > 0 })
	// End-of-RIB is per address family (RFC 4724): each family's marker
	// must follow that family's routes, and a helper settles each family
	// at its own marker. The order of the families in one send is not
	// fixed (GoBGP's table.CreateUpdateMsgFromPaths ranges over a map
	// keyed by family), so the IPv6 marker comes before the IPv4 routes
	// in about one session in eight; the IPv4 VIPs are checked against
	// the IPv4 marker, and no route may follow its own family's marker.
	evs := peer.Events()
	seen := map[netip.Prefix]bool{}
	eor := map[bool]bool{} // IPv6 -> its End-of-RIB came
	for _, e := range evs {
		if e.EndOfRIB {
			eor[e.IPv6] = true
			continue
		}
		if eor[e.Prefix.Addr().Is6()] {
			t.Errorf("%v (withdrawal: %v) after its family's End-of-RIB", e.Prefix, e.Withdraw)
			continue
		}
		if e.Withdraw {
			t.Errorf("withdrawal of %v before End-of-RIB", e.Prefix)
		}
		seen[e.Prefix] = true
	}
	if len(seen) != len(all) {
		t.Errorf("%d of the %d VIPs came before the IPv4 End-of-RIB, want all", len(seen), len(all))
	}
	if ps := a.Peers(); ps[0].State != vipbgp.StateEstablished || ps[0].Since.IsZero() {
		t.Errorf("after Commit, Peers() = %+v", ps)
	}
}

// Announcing a VIP again, with other services, sends nothing; the next
// change (another VIP) is the barrier that shows nothing came before it.
func TestAnnounceAgainSendsNothing(t *testing.T) {
	peer := vipbgptest.StartPeer(t, vipbgptest.PeerConfig{})
	defer noLeaks(t)()
	ctx := context.Background()
	a, err := vipbgp.New(config(t, peer))
	if err != nil {
		t.Fatal(err)
	}
	r := kubetest.Go(a.Run)
	defer r.Stop(t)
	if err := a.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	vip, barrier := netip.MustParseAddr("198.51.100.7"), netip.MustParseAddr("198.51.100.8")
	if err := a.Announce(ctx, vip, []string{"ns/a"}); err != nil {
		t.Fatal(err)
	}
	ribIs(t, peer, []netip.Prefix{host(vip)})
	for _, svcs := range [][]string{{"ns/a", "ns/b"}, {"ns/b"}, nil} {
		if err := a.Announce(ctx, vip, svcs); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Announce(ctx, barrier, nil); err != nil {
		t.Fatal(err)
	}
	ribIs(t, peer, []netip.Prefix{host(vip), host(barrier)})
	if ann, wd := peer.Count(host(vip)); ann != 1 || wd != 0 {
		t.Errorf("the peer saw %v announced %d times, withdrawn %d times; want once, never", vip, ann, wd)
	}
	if err := a.Withdraw(ctx, netip.MustParseAddr("198.51.100.9")); err != nil {
		t.Errorf("withdrawing a VIP never announced: %v", err)
	}
}

// The peer going away (killed, link removed) and coming back with an
// empty table: the announcer's session comes back and re-sends every
// route.
func TestPeerRestartResendsRoutes(t *testing.T) {
	peer := vipbgptest.StartPeer(t, vipbgptest.PeerConfig{})
	defer noLeaks(t)()
	ctx := context.Background()
	a, err := vipbgp.New(config(t, peer))
	if err != nil {
		t.Fatal(err)
	}
	all := vips(20)
	for _, v := range all {
		if err := a.Announce(ctx, v, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Commit(ctx); err != nil { // before Run: remembered
		t.Fatal(err)
	}
	r := kubetest.Go(a.Run)
	defer r.Stop(t)
	ribIs(t, peer, hosts(all))
	peer.Stop(t)
	vipbgptest.WaitFor(t, wait, "the announcer to see the session down", func() bool {
		return a.Peers()[0].State != vipbgp.StateEstablished
	})
	peer.Restart(t)
	ribIs(t, peer, hosts(all))
	vipbgptest.WaitFor(t, wait, "the session up again", func() bool { return a.Peers()[0].State == vipbgp.StateEstablished })
	if ps := a.Peers(); ps[0].LastError == "" {
		t.Errorf("Peers() = %+v: no reason for the session that went down", ps)
	}
}
