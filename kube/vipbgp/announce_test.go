package vipbgp_test

import (
	"context"
	"net/netip"
	"slices"
	"testing"

	"github.com/meshstate/meshstate/kube/internal/kubetest"
	"github.com/meshstate/meshstate/kube/vipbgp"
	"github.com/meshstate/meshstate/kube/vipbgp/vipbgptest"
)

// A VIP announced after Commit reaches the peer with next hop self and
// the configured communities; an explicit next hop is used as given; a
// withdrawn VIP leaves the peer's table, withdrawn once.
func TestAnnounceAndWithdraw(t *testing.T) {
	peer := vipbgptest.StartPeer(t, vipbgptest.PeerConfig{})
	defer noLeaks(t)()
	ctx := context.Background()
	cfg := config(t, peer)
	cfg.Communities = []string{"65000:100", "65000:200"}
	cfg.NextHopV6 = netip.MustParseAddr("2001:db8::1")
	a, err := vipbgp.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r := kubetest.Go(a.Run)
	defer r.Stop(t)
	if err := a.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	vip, vip6 := netip.MustParseAddr("198.51.100.1"), netip.MustParseAddr("2001:db8:1::1")
	for _, v := range []netip.Addr{vip, vip6} {
		if err := a.Announce(ctx, v, []string{"ns/web"}); err != nil {
			t.Fatal(err)
		}
	}
	ribIs(t, peer, []netip.Prefix{host(vip), host(vip6)})
	got := rib(t, peer)
	for i, nh := range []netip.Addr{peer.LocalAddress(), cfg.NextHopV6} {
		if got[i].NextHop != nh || !slices.Equal(got[i].Communities, cfg.Communities) || got[i].Stale {
			t.Errorf("route %v: next hop %v, communities %v, stale %v; want %v, %v, not stale",
				got[i].Prefix, got[i].NextHop, got[i].Communities, got[i].Stale, nh, cfg.Communities)
		}
	}
	if want := []netip.Addr{vip, vip6}; !slices.Equal(a.Announced(), want) {
		t.Errorf("Announced() = %v, want %v", a.Announced(), want)
	}
	if err := a.Withdraw(ctx, vip); err != nil {
		t.Fatal(err)
	}
	ribIs(t, peer, []netip.Prefix{host(vip6)})
	if ann, wd := peer.Count(host(vip)); ann != 1 || wd != 1 {
		t.Errorf("the peer saw %v announced %d times and withdrawn %d times, want once each", vip, ann, wd)
	}
	if ps := a.Peers(); len(ps) != 1 || ps[0].State != vipbgp.StateEstablished || ps[0].Address != peer.Address() {
		t.Errorf("Peers() = %+v, want one Established", ps)
	}
}
