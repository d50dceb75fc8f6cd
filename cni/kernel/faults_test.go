package kernel_test

import (
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
	"go.uber.org/goleak"

	"github.com/meshstate/meshstate/cni"
	"github.com/meshstate/meshstate/cni/kernel"
	"github.com/meshstate/meshstate/internal/nstest"
)

// eventually polls the watcher's status until ok accepts it, for at most
// bound.
func eventually(t *testing.T, r *running, what string, ok func(kernel.Status) bool) kernel.Status {
	t.Helper()
	deadline := time.Now().Add(bound)
	for {
		st := r.w.Status()
		if ok(st) {
			return st
		}
		r.alive(t)
		if time.Now().After(deadline) {
			t.Fatalf("status never %s: %+v", what, st)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func discovered(name string, addr netip.Prefix) func(cni.Effect) bool {
	return func(e cni.Effect) bool { return e.Kind == cni.Discovered && e.Interface == name && e.Address == addr }
}

// Fifteen interrupted dumps in a row (the old adapter gave up after ten,
// at once) delay the first snapshot but end nothing; the status says
// why nothing is found meanwhile. An overflow then reopens the
// subscription, whose dumps are interrupted again, and a new address is
// still discovered through the new subscription.
func TestForcedDumpInterrupted(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ns := nstest.New(t)
	first := netip.MustParsePrefix("10.244.3.1/32")
	addAddr(t, ns, ns.Veth(t, "tunl0sim", "tunl0peer"), first.String())
	cfg, faults := kernel.WithFaults(kernel.Config{})
	faults.InterruptDumps(15)
	r := start(t, ns, cfg)
	defer r.stop(t)
	r.await(t, settleBound, "Discovered tunl0sim", discovered("tunl0sim", first))
	st := r.w.Status()
	if st.InterruptedDumps != 15 || st.Dumps != 1 || !st.Synced || !errors.Is(st.LastError, netlink.ErrDumpInterrupted) {
		t.Fatalf("status %+v, want 15 interrupted dumps then one complete", st)
	}

	faults.InterruptDumps(5)
	if !faults.Overflow() {
		t.Fatal("no subscription open to overflow")
	}
	eventually(t, r, "resubscribed and synced", func(s kernel.Status) bool {
		return s.Subscriptions == 2 && s.Synced && s.InterruptedDumps == 20
	})
	if st := r.w.Status(); !errors.Is(st.LastError, netlink.ErrDumpInterrupted) || !st.Found {
		t.Fatalf("status %+v", st)
	}
	lower := netip.MustParsePrefix("10.244.0.9/32")
	link, err := ns.Handle.LinkByName("tunl0sim")
	if err != nil {
		t.Fatal(err)
	}
	addAddr(t, ns, link, lower.String())
	r.await(t, bound, "Discovered the lower address", discovered("tunl0sim", lower))
}

// A subscription the kernel ends is reopened and followed by a dump:
// Status says Syncing, then waiting for an interface with a relist
// pending, and an interface appearing afterwards is discovered on its own
// event, through the new subscription.
func TestForcedSubscriptionEnd(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ns := nstest.New(t)
	cfg, faults := kernel.WithFaults(kernel.Config{})
	r := start(t, ns, cfg)
	defer r.stop(t)
	r.await(t, bound, "the first RetryAfter", func(e cni.Effect) bool { return e.Kind == cni.RetryAfter })
	st := eventually(t, r, "waiting", func(s kernel.Status) bool { return s.Synced })
	if st.Found || st.Reason != cni.ReasonNoInterface || !st.Pending || st.RetryAt.IsZero() || st.Message == "" {
		t.Fatalf("status %+v, want NoInterface with a relist pending", st)
	}

	for i := range 3 {
		if !faults.EndSubscription() {
			// Between two subscriptions: the next one is being opened.
			time.Sleep(time.Millisecond)
		}
		eventually(t, r, "resubscribed", func(s kernel.Status) bool { return s.Subscriptions >= i+2 && s.Synced })
	}
	st = r.w.Status()
	if !errors.Is(st.LastError, kernel.ErrSubscriptionEnded) || st.Dumps < 4 {
		t.Fatalf("status %+v, want the end recorded and a dump per subscription", st)
	}
	addr := netip.MustParsePrefix("10.244.3.1/32")
	addAddr(t, ns, ns.Veth(t, "tunl0sim", "tunl0peer"), addr.String())
	r.await(t, bound, "Discovered tunl0sim", discovered("tunl0sim", addr))
	st = r.w.Status()
	if !st.Found || st.Reason != "" || st.Pending {
		t.Fatalf("status %+v, want found", st)
	}
	r.converged(t, ns)
}

// New rejects a config without a handle or a report, or with a bad
// machine config, with cni.ErrInvalidConfig; a second concurrent Run of a
// watcher is refused.
func TestConfigErrors(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for name, cfg := range map[string]kernel.Config{
		"no handle": {Report: func(cni.Effect) {}, Machine: cni.Config{PodCIDRs: podCIDRs}},
		"no report": {Handle: &netlink.Handle{}, Machine: cni.Config{PodCIDRs: podCIDRs}},
		"no cidrs":  {Handle: &netlink.Handle{}, Report: func(cni.Effect) {}},
	} {
		if _, err := kernel.New(cfg); !errors.Is(err, cni.ErrInvalidConfig) {
			t.Errorf("%s: New = %v, want ErrInvalidConfig", name, err)
		}
	}
	ns := nstest.New(t)
	r := start(t, ns, kernel.Config{})
	defer r.stop(t)
	eventually(t, r, "synced", func(s kernel.Status) bool { return s.Synced })
	if err := r.w.Run(t.Context()); !errors.Is(err, kernel.ErrRunning) {
		t.Fatalf("second Run = %v, want ErrRunning", err)
	}
}

// The periodic resync relists whatever the subscription says; over a
// converged namespace each one is a dump and no effect.
func TestPeriodicResync(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ns := nstest.New(t)
	addr := netip.MustParsePrefix("10.244.3.1/32")
	addAddr(t, ns, ns.Veth(t, "tunl0sim", "tunl0peer"), addr.String())
	r := start(t, ns, kernel.Config{Resync: 10 * time.Millisecond})
	defer r.stop(t)
	r.await(t, bound, "Discovered tunl0sim", discovered("tunl0sim", addr))
	eventually(t, r, "resynced five times", func(s kernel.Status) bool { return s.Dumps >= 6 })
	select {
	case e := <-r.effects:
		t.Fatalf("a converged resync reported %v", e)
	default:
	}
	if st := r.w.Status(); st.Subscriptions != 1 || !st.Found {
		t.Fatalf("status %+v", st)
	}
}
