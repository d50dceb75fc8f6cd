package kernel_test

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
	"go.uber.org/goleak"
	"golang.org/x/sys/unix"

	"github.com/meshstate/meshstate/retry"
	"github.com/meshstate/meshstate/routes"
	"github.com/meshstate/meshstate/routes/kernel"
)

// running is an adapter's Run in a goroutine of the test.
type running struct {
	ch     chan routes.Desired
	cancel context.CancelFunc
	errc   chan error
}

// start runs a with d as its first desired state; the run is stopped and
// checked to end with the context's error when the test ends.
func start(t *testing.T, a *kernel.Adapter, d routes.Desired) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{ch: make(chan routes.Desired, 1), cancel: cancel, errc: make(chan error, 1)}
	r.ch <- d
	go func() { r.errc <- a.Run(ctx, r.ch) }()
	t.Cleanup(func() { r.stop(t) })
	return r
}

// startB is start for a benchmark; the returned function stops the run.
func startB(b *testing.B, a *kernel.Adapter, d routes.Desired) func() {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan routes.Desired, 1)
	ch <- d
	errc := make(chan error, 1)
	go func() { errc <- a.Run(ctx, ch) }()
	return func() {
		cancel()
		if err := <-errc; !errors.Is(err, context.Canceled) {
			b.Errorf("Run: %v", err)
		}
	}
}

// stop cancels the run and checks that it ends with context.Canceled.
func (r *running) stop(t *testing.T) {
	t.Helper()
	if r.cancel == nil {
		return
	}
	r.cancel()
	r.cancel = nil
	select {
	case err := <-r.errc:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Run: %v, want context.Canceled", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not end with its context")
	}
}

// ended reports whether Run has returned (it must not before its context).
func (r *running) ended() error {
	select {
	case err := <-r.errc:
		return errors.Join(errors.New("Run returned before its context ended"), err)
	default:
		return nil
	}
}

// rules returns our rules (table 150) of family, as priorities.
func rules(t testing.TB, h *netlink.Handle, family int) []int {
	t.Helper()
	rs, err := h.RuleListFiltered(family, &netlink.Rule{Table: table}, netlink.RT_FILTER_TABLE)
	if err != nil {
		t.Fatal(err)
	}
	var out []int
	for _, r := range rs {
		out = append(out, r.Priority)
	}
	return out
}

// Closing the desired channel stops the input only: the routes stay,
// nothing is written or dumped, and Run goes on until its context ends.
func TestClosedDesiredKeepsState(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	ns, _ := setup(t)
	a := newAdapter(t, ns)
	r := start(t, a, desired("10.1.0.0/16", "10.2.0.0/16"))
	want := []string{"10.1.0.0/16 250", "10.2.0.0/16 250"}
	waitFor(t, func() bool { return slices.Equal(listTable(t, ns.Handle, table), want) })
	waitFor(t, func() bool { return a.Status().Converged })
	close(r.ch)
	before := a.Stats()
	time.Sleep(300 * time.Millisecond)
	if got := listTable(t, ns.Handle, table); !slices.Equal(got, want) {
		t.Fatalf("after close: table %q, want %q", got, want)
	}
	if len(rules(t, ns.Handle, netlink.FAMILY_V4)) != 1 {
		t.Fatal("after close: our rule is gone")
	}
	if after := a.Stats(); after.Writes != before.Writes || after.Dumps != before.Dumps {
		t.Errorf("after close: %+v, before %+v: want neither writes nor dumps (no spinning)", after, before)
	}
	if err := r.ended(); err != nil {
		t.Fatal(err)
	}
	r.stop(t)
}

// dualStack is a desired state with an IPv4 remote via the gateway and an
// IPv6 remote through the veth.
func dualStack(link int) routes.Desired {
	d := desired("10.1.0.0/16")
	d.Remotes = append(d.Remotes, routes.Remote{Cluster: "west", LinkIndex: link,
		Subnets: []netip.Prefix{netip.MustParsePrefix("fd00:1::/64")}})
	return d
}

// A rule deleted by someone else (v4 or v6) is put back: nothing in the
// route subscription says so, the rule subscription does.
func TestRuleDeletedRepaired(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	ns, link := setup(t)
	a := newAdapter(t, ns)
	start(t, a, dualStack(link))
	for _, family := range []int{netlink.FAMILY_V4, netlink.FAMILY_V6} {
		waitFor(t, func() bool { return slices.Equal(rules(t, ns.Handle, family), []int{routes.DefaultRulePriority}) })
	}
	for _, family := range []int{netlink.FAMILY_V4, netlink.FAMILY_V6} {
		rl := netlink.NewRule()
		rl.Family, rl.Priority, rl.Table = family, routes.DefaultRulePriority, table
		if err := ns.Handle.RuleDel(rl); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		waitFor(t, func() bool { return slices.Equal(rules(t, ns.Handle, family), []int{routes.DefaultRulePriority}) })
		t.Logf("family %d: rule back in %v", family, time.Since(start))
	}
}

// A link flap drops the IPv4 routes through the link without any
// RTM_DELROUTE; the adapter notices the link and restores them.
func TestLinkFlapRepaired(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	ns, link := setup(t)
	a := newAdapter(t, ns)
	start(t, a, desired("10.1.0.0/16", "10.2.0.0/16"))
	want := []string{"10.1.0.0/16 250", "10.2.0.0/16 250"}
	waitFor(t, func() bool { return slices.Equal(listTable(t, ns.Handle, table), want) })
	l := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Index: link}}
	if err := ns.Handle.LinkSetDown(l); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return len(listTable(t, ns.Handle, table)) == 0 }) // the kernel's doing
	if err := ns.Handle.LinkSetUp(l); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	waitFor(t, func() bool { return slices.Equal(listTable(t, ns.Handle, table), want) })
	t.Logf("routes back %v after link up", time.Since(start))
	waitFor(t, func() bool { return a.Status().Converged })
}

// A foreign route replacing one of ours (same key, another protocol:
// the kernel sends only RTM_NEWROUTE) is left alone and reported; when it
// is deleted, ours comes back at once, not at the slow retry.
func TestForeignTakeoverThenWithdrawal(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	ns, link := setup(t)
	a, err := kernel.New(ns.Handle, ns.NS, slowConfig())
	if err != nil {
		t.Fatal(err)
	}
	a.Logf = t.Logf
	start(t, a, desired("10.1.0.0/16", "10.2.0.0/16"))
	want := []string{"10.1.0.0/16 250", "10.2.0.0/16 250"}
	waitFor(t, func() bool { return slices.Equal(listTable(t, ns.Handle, table), want) })
	foreign := &netlink.Route{Dst: cidr("10.1.0.0/16"), LinkIndex: link, Table: table, Protocol: 4, Scope: netlink.SCOPE_LINK}
	if err := ns.Handle.RouteReplace(foreign); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		p := a.Status().Pending
		return len(p) == 1 && p[0].Reason == routes.ReasonFailedPermanently
	})
	if got := listTable(t, ns.Handle, table); !slices.Equal(got, []string{"10.1.0.0/16 static", "10.2.0.0/16 250"}) {
		t.Fatalf("after takeover: %q: the foreign route must be kept", got)
	}
	if err := ns.Handle.RouteDel(foreign); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	waitFor(t, func() bool { return slices.Equal(listTable(t, ns.Handle, table), want) })
	t.Logf("ours back %v after the foreign route went", time.Since(start))
	waitFor(t, func() bool { return a.Status().Converged })
}

// slowConfig retries after ten minutes: a test that sees a route come
// back within its liveness bound proves it came back on an event.
func slowConfig() routes.Config {
	slow := retry.Schedule{Initial: 10 * time.Minute, Max: 10 * time.Minute, Multiplier: 2}
	c := config()
	c.Retry, c.SlowRetry = slow, slow
	return c
}

// A foreign backup route on our destination at another metric does not
// block ours: ownership is checked on the exact key.
func TestForeignAtAnotherMetric(t *testing.T) {
	ns, _ := setup(t)
	backup := &netlink.Route{Dst: cidr("10.1.0.0/16"), Gw: net.IP(gateway.AsSlice()), Table: table, Protocol: 4, Priority: 100}
	if err := ns.Handle.RouteAdd(backup); err != nil {
		t.Fatal(err)
	}
	a := newAdapter(t, ns)
	if err := a.Sync(desired("10.1.0.0/16")); err != nil {
		t.Fatal(err)
	}
	if got, want := listTable(t, ns.Handle, table), []string{"10.1.0.0/16 250", "10.1.0.0/16 static"}; !slices.Equal(got, want) {
		t.Fatalf("table %q, want %q", got, want)
	}
	if s := a.Status(); !s.Converged || len(s.Pending) != 0 {
		t.Fatalf("status %+v", s)
	}
}

// A gateway that becomes reachable (an address appears) is used at once,
// not at the next backoff (ten minutes here).
func TestRetryOnAddressAppearing(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	ns, link := setup(t)
	a, err := kernel.New(ns.Handle, ns.NS, slowConfig())
	if err != nil {
		t.Fatal(err)
	}
	d := routes.Desired{Remotes: []routes.Remote{{Cluster: "far", Gateway: netip.MustParseAddr("192.168.77.2"),
		Subnets: []netip.Prefix{netip.MustParsePrefix("10.3.0.0/16")}}}}
	start(t, a, d)
	waitFor(t, func() bool {
		p := a.Status().Pending
		return len(p) == 1 && p[0].Reason == routes.ReasonGatewayUnreachable
	})
	addr, _ := netlink.ParseAddr("192.168.77.1/24")
	if err := ns.Handle.AddrAdd(&netlink.Veth{LinkAttrs: netlink.LinkAttrs{Index: link}}, addr); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return slices.Equal(listTable(t, ns.Handle, table), []string{"10.3.0.0/16 250"}) })
}

// Sync reports ErrDumpInterrupted, and writes nothing, when every dump is
// interrupted; Run instead dumps again with backoff until one completes.
func TestDumpInterrupted(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	ns, _ := setup(t)
	a := newAdapter(t, ns)
	kernel.InterruptDumps(a, 1000)
	if err := a.Sync(desired("10.1.0.0/16")); !errors.Is(err, kernel.ErrDumpInterrupted) {
		t.Fatalf("Sync: %v, want ErrDumpInterrupted", err)
	}
	if s := a.Stats(); s.Writes != 0 {
		t.Fatalf("wrote from an incomplete picture: %+v", s)
	}

	b := newAdapter(t, ns)
	kernel.InterruptDumps(b, 40) // more than one resync's worth in a row
	start(t, b, desired("10.1.0.0/16"))
	waitFor(t, func() bool { return slices.Equal(listTable(t, ns.Handle, table), []string{"10.1.0.0/16 250"}) })
	if s := b.Stats(); s.Dumps <= 40 || s.Resyncs < 3 {
		t.Errorf("stats %+v: want over 40 dumps in at least 3 resyncs", s)
	}
}

// An overflowing subscription (ENOBUFS: a 10,000-route flush into a tiny
// receive buffer) is reopened and followed by a full dump; every route
// comes back and the machine agrees with the kernel.
func TestOverflowFlushRepaired(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	ns, _ := setup(t)
	a := newAdapter(t, ns)
	a.Logf = nil // one line per overflow would drown the log
	kernel.SetWatchBuffer(a, 4096)
	start(t, a, benchDesired())
	waitFor(t, func() bool { return countTable(t, ns.Handle) == benchRoutes })
	waitFor(t, func() bool { return a.Status().Converged })
	resubs := a.Stats().Resubscribes
	flush(t, ns.Handle)
	waitFor(t, func() bool { return countTable(t, ns.Handle) == benchRoutes && a.Status().Converged })
	if s := a.Stats(); s.Resubscribes == resubs {
		t.Errorf("stats %+v: the flush did not overflow the subscription; the test proves nothing", s)
	}
}

// flush deletes every route of our table, as `ip route flush table 150`.
func flush(t testing.TB, h *netlink.Handle) {
	t.Helper()
	rs, err := h.RouteListFiltered(netlink.FAMILY_ALL, &netlink.Route{Table: table}, netlink.RT_FILTER_TABLE)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if err := h.RouteDel(&r); err != nil && !errors.Is(err, unix.ESRCH) {
			t.Fatal(err)
		}
	}
}
