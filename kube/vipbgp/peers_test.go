package vipbgp_test

import (
	"context"
	"net/netip"
	"testing"

	"github.com/meshstate/meshstate/kube/internal/kubetest"
	"github.com/meshstate/meshstate/kube/vipbgp"
	"github.com/meshstate/meshstate/kube/vipbgp/vipbgptest"
)

// A configured peer that is down (its address unreachable) neither
// delays nor blocks the announcements to the peer that is up: the symptom
// of incident 004 must not come back through another door. Peers reports
// each session in the order configured.
func TestPeerDownDoesNotDelayOthers(t *testing.T) {
	up := vipbgptest.StartPeer(t, vipbgptest.PeerConfig{})
	defer noLeaks(t)()
	ctx := context.Background()
	cfg := config(t, up)
	cfg.GracefulRestart.Enabled = true
	down := netip.MustParseAddr("10.201.0.2") // no route to it
	cfg.Peers = append(cfg.Peers, vipbgp.Peer{Address: down, ASN: 65002})
	a, err := vipbgp.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r := kubetest.Go(a.Run)
	defer r.Stop(t)
	all := vips(5)
	for _, v := range all {
		if err := a.Announce(ctx, v, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	ribIs(t, up, hosts(all))
	vipbgptest.WaitFor(t, wait, "the session with the peer that is up", func() bool {
		return a.Peers()[0].State == vipbgp.StateEstablished
	})
	ps := a.Peers()
	if len(ps) != 2 || ps[0].Address != up.Address() || ps[1].Address != down || ps[1].State == vipbgp.StateEstablished {
		t.Errorf("Peers() = %+v", ps)
	}
	if err := a.Withdraw(ctx, all[0]); err != nil {
		t.Fatal(err)
	}
	ribIs(t, up, hosts(all[1:]))
}

// Over an IPv6 session: an IPv6 VIP goes out with next hop self (the
// session's IPv6 local address), and a planned stop with graceful
// restart resets the IPv6 connection rather than sending a Cease, so the
// peer keeps the route, stale.
func TestIPv6Session(t *testing.T) {
	peer := vipbgptest.StartPeer(t, vipbgptest.PeerConfig{})
	defer noLeaks(t)()
	ctx := context.Background()
	cfg := config(t, peer)
	cfg.Peers = []vipbgp.Peer{{Address: peer.Address6(), ASN: peer.ASN()}}
	cfg.GracefulRestart.Enabled = true
	a, err := vipbgp.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	vip := netip.MustParseAddr("2001:db8:5::1")
	if err := a.Announce(ctx, vip, nil); err != nil {
		t.Fatal(err)
	}
	r := kubetest.Go(a.Run)
	if err := a.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	ribIs(t, peer, []netip.Prefix{host(vip)})
	if got := rib(t, peer); got[0].NextHop != peer.LocalAddress6() {
		t.Errorf("next hop %v, want %v", got[0].NextHop, peer.LocalAddress6())
	}
	r.Stop(t)
	vipbgptest.WaitFor(t, wait, "the session down", func() bool { return !peer.Established() })
	got := rib(t, peer)
	if len(got) != 1 || !got[0].Stale {
		t.Errorf("after a planned stop the peer holds %+v, want the route, stale", got)
	}
	if _, wd := peer.Count(host(vip)); wd != 0 {
		t.Errorf("the VIP was withdrawn %d times", wd)
	}
}
