package vipbgp_test

import (
	"context"
	"net/netip"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/meshstate/meshstate/kube/internal/kubetest"
	"github.com/meshstate/meshstate/kube/vipbgp"
	"github.com/meshstate/meshstate/kube/vipbgp/vipbgptest"
)

// grConfig is config(t, peer) with graceful restart.
func grConfig(t *testing.T, peer *vipbgptest.Peer) vipbgp.Config {
	cfg := config(t, peer)
	cfg.GracefulRestart = vipbgp.GracefulRestart{Enabled: true, RestartTime: 120 * time.Second}
	return cfg
}

// sameAndStale checks, while waiting for the new announcer's End-of-RIB,
// that the peer's table holds exactly want, every route stale. It returns
// how many times it looked.
func sameAndStale(t *testing.T, peer *vipbgptest.Peer, want []netip.Prefix, eors int) int {
	t.Helper()
	looks := 0
	deadline := time.Now().Add(wait)
	for peer.EndOfRIBs() < eors {
		if time.Now().After(deadline) {
			t.Fatalf("no End-of-RIB from the new announcer within %v", wait)
		}
		got := rib(t, peer)
		if peer.EndOfRIBs() >= eors {
			break // the table may already be settling
		}
		if !slices.Equal(vipbgptest.Prefixes(got), want) {
			t.Fatalf("during the restart the peer's table changed: %d routes, want %d", len(got), len(want))
		}
		for _, r := range got {
			if !r.Stale {
				t.Fatalf("during the restart %v is not stale", r.Prefix)
			}
		}
		looks++
		time.Sleep(50 * time.Millisecond)
	}
	return looks
}

// The announcer killed (SIGKILL) with 1,000 VIPs announced and a new one
// started that announces 999 of them and commits later: the
// graceful-restart helper keeps all 1,000, stale, through the restart,
// withdraws none of the 999, and withdraws exactly the one gone once the
// new announcer's End-of-RIB arrives. Then a planned stop (SIGTERM, Run's
// context ending) keeps the routes too, and a third announcer takes them
// over without a withdrawal.
func TestAnnouncerKilledAndRestarted(t *testing.T) {
	peer := vipbgptest.StartPeer(t, vipbgptest.PeerConfig{})
	cfg := grConfig(t, peer)
	all := vips(1000)
	gone := all[500]
	kept := slices.Delete(slices.Clone(all), 500, 501)

	began := time.Now()
	first := startChild(t, childSpec{Config: cfg, VIPs: all})
	ribIs(t, peer, hosts(all))
	t.Logf("1,000 VIPs in the peer's table %v after the announcer process started (a measure, not a bound)",
		time.Since(began).Round(time.Millisecond))
	vipbgptest.WaitFor(t, wait, "the first End-of-RIB", func() bool { return peer.EndOfRIBs() == 1 })
	if err := first.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = first.Wait()
	vipbgptest.WaitFor(t, wait, "the peer to mark the routes stale", func() bool {
		got := rib(t, peer)
		return len(got) == len(all) && !slices.ContainsFunc(got, func(r vipbgptest.Route) bool { return !r.Stale })
	})

	began = time.Now()
	second := startChild(t, childSpec{Config: cfg, VIPs: kept, CommitAfter: 2 * time.Second})
	looks := sameAndStale(t, peer, hosts(all), 2)
	t.Logf("the peer's table was the same 1,000 stale routes at each of %d looks during the restart", looks)
	ribIs(t, peer, hosts(kept))
	t.Logf("the gone VIP withdrawn and the 999 fresh %v after the new announcer started (its Commit came after 2s)",
		time.Since(began).Round(time.Millisecond))
	vipbgptest.WaitFor(t, wait, "the gone VIP withdrawn", func() bool { _, wd := peer.Count(host(gone)); return wd == 1 })
	checkWithdrawals(t, peer, kept, gone)
	if slices.ContainsFunc(rib(t, peer), func(r vipbgptest.Route) bool { return r.Stale }) {
		t.Error("stale routes left after End-of-RIB")
	}

	// The planned restart: SIGTERM ends Run's context.
	if err := second.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := second.Wait(); err != nil {
		t.Fatalf("the announcer's planned stop: %v", err)
	}
	vipbgptest.WaitFor(t, wait, "the peer to mark the routes stale after a planned stop", func() bool {
		got := rib(t, peer)
		return len(got) == len(kept) && !slices.ContainsFunc(got, func(r vipbgptest.Route) bool { return !r.Stale })
	})
	startChild(t, childSpec{Config: cfg, VIPs: kept, CommitAfter: time.Second})
	sameAndStale(t, peer, hosts(kept), 3)
	ribIs(t, peer, hosts(kept))
	vipbgptest.WaitFor(t, wait, "no stale route", func() bool {
		return !slices.ContainsFunc(rib(t, peer), func(r vipbgptest.Route) bool { return r.Stale })
	})
	checkWithdrawals(t, peer, kept, gone)
}

// checkWithdrawals: none of kept was ever withdrawn, gone exactly once,
// and only after the second End-of-RIB.
func checkWithdrawals(t *testing.T, peer *vipbgptest.Peer, kept []netip.Addr, gone netip.Addr) {
	t.Helper()
	for _, v := range kept {
		if _, wd := peer.Count(host(v)); wd != 0 {
			t.Errorf("the peer saw %v withdrawn %d times", v, wd)
		}
	}
	eors := 0
	for _, e := range peer.Events() {
		switch {
		case e.EndOfRIB && !e.IPv6:
			eors++
		case e.Withdraw && e.Prefix == host(gone) && eors < 2:
			t.Errorf("%v was withdrawn after %d End-of-RIBs, before the new announcer's", gone, eors)
		}
	}
	if _, wd := peer.Count(host(gone)); wd != 1 {
		t.Errorf("the gone VIP was withdrawn %d times, want once", wd)
	}
}

// In-process: Run's context ending with graceful restart keeps the
// peer's routes (stale), without a withdrawal; without graceful restart
// it withdraws them. Either way Run leaves no goroutine behind.
func TestPlannedStop(t *testing.T) {
	for _, gr := range []bool{true, false} {
		t.Run(map[bool]string{true: "graceful restart keeps the routes", false: "no graceful restart withdraws them"}[gr], func(t *testing.T) {
			peer := vipbgptest.StartPeer(t, vipbgptest.PeerConfig{})
			defer noLeaks(t)()
			ctx := context.Background()
			cfg := config(t, peer)
			cfg.GracefulRestart.Enabled = gr
			a, err := vipbgp.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			all := vips(10)
			for _, v := range all {
				if err := a.Announce(ctx, v, nil); err != nil {
					t.Fatal(err)
				}
			}
			r := kubetest.Go(a.Run)
			if err := a.Commit(ctx); err != nil {
				t.Fatal(err)
			}
			ribIs(t, peer, hosts(all))
			r.Stop(t) // within GoBGP's selection deferral of the session coming up
			// A timer GoBGP set when the session came up would fire now
			// and block on the ended loop: give it time to, so that the
			// leak check sees it.
			time.Sleep(2 * time.Second)
			if err := a.Announce(ctx, netip.MustParseAddr("198.51.100.1"), nil); err != vipbgp.ErrStopped {
				t.Errorf("Announce after Run returned: %v, want ErrStopped", err)
			}
			if ps := a.Peers(); ps[0].State != vipbgp.StateStopped {
				t.Errorf("after Run returned, Peers() = %+v", ps)
			}
			if !gr {
				ribIs(t, peer, nil)
				return
			}
			vipbgptest.WaitFor(t, wait, "the session down", func() bool { return !peer.Established() })
			got := rib(t, peer)
			if !slices.Equal(vipbgptest.Prefixes(got), hosts(all)) || slices.ContainsFunc(got, func(r vipbgptest.Route) bool { return !r.Stale }) {
				t.Errorf("after a planned stop the peer holds %d routes (stale: %v), want %d stale", len(got), got, len(all))
			}
			for _, v := range all {
				if _, wd := peer.Count(host(v)); wd != 0 {
					t.Errorf("%v withdrawn %d times", v, wd)
				}
			}
		})
	}
}
