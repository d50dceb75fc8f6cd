package vipbgp_test

import (
	"context"
	"net/netip"
	"testing"

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
	r := run(a)
	defer r.stop(t)
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
