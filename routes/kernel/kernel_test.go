package kernel_test

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
	"go.uber.org/goleak"

	"github.com/meshstate/meshstate/internal/nstest"
	"github.com/meshstate/meshstate/retry"
	"github.com/meshstate/meshstate/routes"
	"github.com/meshstate/meshstate/routes/kernel"
)

const (
	table = 150
	proto = 250
)

var (
	gateway = netip.MustParseAddr("192.168.50.2")
	local   = netip.MustParseAddr("192.168.50.1")
)

func config() routes.Config {
	fast := retry.Schedule{Initial: 20 * time.Millisecond, Max: 200 * time.Millisecond, Multiplier: 2}
	return routes.Config{Table: table, Protocol: proto, Retry: fast, SlowRetry: fast,
		PodCIDRs: []netip.Prefix{netip.MustParsePrefix("10.244.0.0/16")}}
}

// setup returns a fresh namespace with a veth whose address makes the
// gateway reachable, and the veth's index.
func setup(t testing.TB) (*nstest.Namespace, int) {
	t.Helper()
	ns := nstest.New(t)
	link := ns.Veth(t, "ms0", "ms1")
	addr, err := netlink.ParseAddr(local.String() + "/24")
	if err != nil {
		t.Fatal(err)
	}
	if err := ns.Handle.AddrAdd(link, addr); err != nil {
		t.Fatal(err)
	}
	return ns, link.Attrs().Index
}

func desired(subnets ...string) routes.Desired {
	r := routes.Remote{Cluster: "east", Gateway: gateway}
	for _, s := range subnets {
		r.Subnets = append(r.Subnets, netip.MustParsePrefix(s))
	}
	return routes.Desired{Source: local, Remotes: []routes.Remote{r}}
}

func cidr(s string) *net.IPNet {
	_, n, err := net.ParseCIDR(s)
	if err != nil {
		panic(err)
	}
	return n
}

// listTable returns the routes of table, as "dst proto" strings, sorted.
func listTable(t testing.TB, h *netlink.Handle, tbl int) []string {
	t.Helper()
	rs, err := h.RouteListFiltered(netlink.FAMILY_V4, &netlink.Route{Table: tbl}, netlink.RT_FILTER_TABLE)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rs {
		out = append(out, r.Dst.String()+" "+r.Protocol.String())
	}
	slices.Sort(out)
	return out
}

func newAdapter(t testing.TB, ns *nstest.Namespace) *kernel.Adapter {
	t.Helper()
	a, err := kernel.New(ns.Handle, ns.NS, config())
	if err != nil {
		t.Fatal(err)
	}
	a.Logf = t.Logf
	t.Cleanup(func() { _ = a.Close() })
	return a
}

// Sync adds the desired routes and rule, deletes our stale route, and
// touches neither a foreign route in our table, nor our protocol in
// another table, nor a foreign rule.
func TestSyncKeepsForeign(t *testing.T) {
	ns, link := setup(t)
	for _, r := range []*netlink.Route{
		{Dst: cidr("172.16.0.0/24"), LinkIndex: link, Table: table, Protocol: 4, Scope: netlink.SCOPE_LINK},
		{Dst: cidr("172.16.1.0/24"), LinkIndex: link, Table: 254, Protocol: proto, Scope: netlink.SCOPE_LINK},
		{Dst: cidr("10.99.9.0/24"), LinkIndex: link, Table: table, Protocol: proto, Scope: netlink.SCOPE_LINK}, // stale, ours
	} {
		if err := ns.Handle.RouteAdd(r); err != nil {
			t.Fatal(err)
		}
	}
	foreignRule := netlink.NewRule()
	foreignRule.Priority, foreignRule.Table = 200, 200
	if err := ns.Handle.RuleAdd(foreignRule); err != nil {
		t.Fatal(err)
	}
	a := newAdapter(t, ns)
	if err := a.Sync(desired("10.1.0.0/16", "10.2.0.0/16", "10.244.1.0/24")); err != nil {
		t.Fatal(err)
	}
	want := []string{"10.1.0.0/16 250", "10.2.0.0/16 250", "172.16.0.0/24 static"}
	if got := listTable(t, ns.Handle, table); !slices.Equal(got, want) {
		t.Errorf("table %d: %q, want %q", table, got, want)
	}
	if got := listTable(t, ns.Handle, 254); !slices.Contains(got, "172.16.1.0/24 250") {
		t.Errorf("main table lost our protocol's foreign route: %q", got)
	}
	rules, err := ns.Handle.RuleList(netlink.FAMILY_V4)
	if err != nil {
		t.Fatal(err)
	}
	var ours, foreign int
	for _, r := range rules {
		switch {
		case r.Table == table && r.Priority == routes.DefaultRulePriority:
			ours++
		case r.Table == 200 && r.Priority == 200:
			foreign++
		}
	}
	if ours != 1 || foreign != 1 {
		t.Errorf("rules: ours %d foreign %d: %+v", ours, foreign, rules)
	}
	if rf := a.Machine().Refused(); len(rf) != 1 || !errors.Is(rf[0], routes.ErrHijack) {
		t.Errorf("refused %v", rf)
	}
}

// A foreign route on exactly the key one of ours needs (same table,
// destination and metric, another protocol) is never replaced: ours is
// refused with a clear error and retried slowly.
func TestForeignRouteOnOurKeyIsKept(t *testing.T) {
	ns, link := setup(t)
	foreign := &netlink.Route{Dst: cidr("10.1.0.0/16"), LinkIndex: link, Table: table, Protocol: 4, Scope: netlink.SCOPE_LINK}
	if err := ns.Handle.RouteAdd(foreign); err != nil {
		t.Fatal(err)
	}
	a := newAdapter(t, ns)
	if err := a.Sync(desired("10.1.0.0/16", "10.2.0.0/16")); err != nil {
		t.Fatal(err)
	}
	want := []string{"10.1.0.0/16 static", "10.2.0.0/16 250"}
	if got := listTable(t, ns.Handle, table); !slices.Equal(got, want) {
		t.Errorf("table %d: %q, want %q", table, got, want)
	}
	if a.Stats().Failures == 0 {
		t.Error("the refused route was not reported as a failure")
	}
	fs := a.Machine().Failures()
	if len(fs) != 1 || fs[0].Reason != routes.ReasonFailedPermanently || !strings.Contains(fs[0].Message, "foreign route (protocol 4)") {
		t.Errorf("failures %+v, want one permanent failure naming the foreign route", fs)
	}
	if c := kernel.Classify(&kernel.ForeignRouteError{}); c != routes.Permanent {
		t.Errorf("Classify(ForeignRouteError) = %v", c)
	}
}

// A restart onto a kernel already converged performs no write: one dump.
func TestRestartConvergedNoWrite(t *testing.T) {
	ns, _ := setup(t)
	d := desired("10.1.0.0/16", "10.2.0.0/16")
	if err := newAdapter(t, ns).Sync(d); err != nil {
		t.Fatal(err)
	}
	b := newAdapter(t, ns)
	if err := b.Sync(d); err != nil {
		t.Fatal(err)
	}
	if s := b.Stats(); s.Writes != 0 || s.Dumps != 1 {
		t.Fatalf("restart: %+v, want one dump and no write", s)
	}
	if !b.Machine().Converged() {
		t.Fatalf("not converged: %+v", b.Machine().Stats())
	}
}

// A route whose gateway is unreachable gets a clear reason and is retried
// until the gateway becomes reachable; it is never dropped.
func TestUnreachableGatewayRetried(t *testing.T) {
	defer goleak.VerifyNone(t)
	ns, link := setup(t)
	d := routes.Desired{Remotes: []routes.Remote{{Cluster: "far", Gateway: netip.MustParseAddr("192.168.77.2"),
		Subnets: []netip.Prefix{netip.MustParsePrefix("10.3.0.0/16")}}}}
	a := newAdapter(t, ns)
	if err := a.Sync(d); err != nil {
		t.Fatal(err)
	}
	f := a.Machine().Failures()
	if len(f) != 1 || f[0].Reason != routes.ReasonGatewayUnreachable || !strings.Contains(f[0].Message, "unreachable") {
		t.Fatalf("failures %+v", f)
	}
	t.Logf("failure: %s: %s", f[0].Reason, f[0].Message)

	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan routes.Desired, 1)
	ch <- d
	errc := make(chan error, 1)
	go func() { errc <- a.Run(ctx, ch) }()
	time.Sleep(150 * time.Millisecond) // a few retries fail
	if got := listTable(t, ns.Handle, table); len(got) != 0 {
		t.Fatalf("routed via an unreachable gateway: %q", got)
	}
	addr, _ := netlink.ParseAddr("192.168.77.1/24")
	if err := ns.Handle.AddrAdd(&netlink.Veth{LinkAttrs: netlink.LinkAttrs{Index: link}}, addr); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return slices.Equal(listTable(t, ns.Handle, table), []string{"10.3.0.0/16 250"}) })
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	if s := a.Stats(); s.Failures < 2 {
		t.Errorf("stats %+v: want at least two failed attempts", s)
	}
}

// A third party's flush of the table (every route of it deleted) is
// repaired: our routes come back, the foreign one does not.
func TestFlushRepaired(t *testing.T) {
	defer goleak.VerifyNone(t)
	ns, link := setup(t)
	if err := ns.Handle.RouteAdd(&netlink.Route{Dst: cidr("172.16.0.0/24"), LinkIndex: link, Table: table,
		Protocol: 4, Scope: netlink.SCOPE_LINK}); err != nil {
		t.Fatal(err)
	}
	a := newAdapter(t, ns)
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan routes.Desired, 1)
	ch <- desired("10.1.0.0/16", "10.2.0.0/16")
	errc := make(chan error, 1)
	go func() { errc <- a.Run(ctx, ch) }()
	ours := []string{"10.1.0.0/16 250", "10.2.0.0/16 250"}
	want := append(slices.Clone(ours), "172.16.0.0/24 static")
	waitFor(t, func() bool { return slices.Equal(listTable(t, ns.Handle, table), want) })
	writes := a.Stats().Writes
	// ip route flush table 150, through the test's own handle.
	rs, err := ns.Handle.RouteListFiltered(netlink.FAMILY_V4, &netlink.Route{Table: table}, netlink.RT_FILTER_TABLE)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if err := ns.Handle.RouteDel(&r); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	waitFor(t, func() bool { return slices.Equal(listTable(t, ns.Handle, table), ours) })
	t.Logf("flush repaired in %v with %d writes", time.Since(start), a.Stats().Writes-writes)
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
}

// waitFor polls cond until it holds. The bound is a liveness check, not a
// performance target (those are benchmarks): under -race, on two cores
// shared with the API-server tests, a 10,000-route burst has taken over
// 5 s.
func waitFor(t testing.TB, cond func() bool) {
	t.Helper()
	const bound = 30 * time.Second
	deadline := time.Now().Add(bound)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %v", bound)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Run survives the burst of its own 10,000 writes (whose echoes may
// overflow the subscription's socket) and still repairs a later deletion.
func TestRunBurstThenRepair(t *testing.T) {
	defer goleak.VerifyNone(t)
	ns, _ := setup(t)
	a := newAdapter(t, ns)
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan routes.Desired, 1)
	ch <- benchDesired()
	errc := make(chan error, 1)
	go func() { errc <- a.Run(ctx, ch) }()
	count := func() int {
		rs, err := ns.Handle.RouteListFiltered(netlink.FAMILY_V4, &netlink.Route{Table: table}, netlink.RT_FILTER_TABLE)
		if err != nil {
			t.Fatal(err)
		}
		return len(rs)
	}
	waitFor(t, func() bool { return count() == benchRoutes })
	time.Sleep(100 * time.Millisecond) // let the echoes drain
	victim := &netlink.Route{Dst: cidr("10.0.7.0/24"), Gw: net.IP(gateway.AsSlice()), Table: table, Protocol: proto}
	if err := ns.Handle.RouteDel(victim); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return count() == benchRoutes })
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
}
