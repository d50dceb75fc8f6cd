package icmp_test

import (
	"context"
	"errors"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/meshstate/meshstate/endpoint"
	"github.com/meshstate/meshstate/health"
	"github.com/meshstate/meshstate/health/icmp"
	"github.com/meshstate/meshstate/internal/nstest"
)

// errorAfter is the checker's ErrorAfter in these tests.
const errorAfter = 3

// effects collects a Checker's StatusChanged and Report effects.
type effects chan health.Effect

func (e effects) add(eff health.Effect) {
	select {
	case e <- eff:
	default: // the test stopped reading
	}
}

// waitFor reads effects until one satisfies ok, failing after within.
func (e effects) waitFor(t *testing.T, within time.Duration, what string, ok func(health.Effect) bool) health.Effect {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case eff := <-e:
			if ok(eff) {
				return eff
			}
		case <-deadline:
			t.Fatalf("no effect %s within %v", what, within)
			return health.Effect{}
		}
	}
}

func became(name string, s health.Status) func(health.Effect) bool {
	return func(e health.Effect) bool {
		return e.Kind == health.StatusChanged && e.Endpoint == name && e.Status == s
	}
}

// newChecker returns a checker probing from ns, run until the test ends.
func newChecker(t *testing.T, ns *nstest.Namespace, report time.Duration) (*icmp.Checker, effects) {
	t.Helper()
	out := make(effects, 4096)
	c, err := icmp.NewChecker(icmp.CheckerConfig{
		Health:         health.Config{Window: 8, ErrorAfter: errorAfter, DegradedLossRatio: 0.5},
		Probe:          icmp.Config{Interval: interval, Timeout: timeout, Namespace: ns.NS},
		ReportInterval: report,
		Effects:        out.add,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- c.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-errc; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return c, out
}

// The scenario through the machine: connected with a plausible RTT
// and statistics, error within ErrorAfter intervals (plus the timeout) of
// the link going down, recovery when it comes up, and a stale removal that
// stops the echo requests reaching the peer.
func TestCheckerAcrossNamespaces(t *testing.T) {
	pr := newPair(t)
	c, out := newChecker(t, pr.a, 4*interval)
	ep := &endpoint.Endpoint{Name: "c2-gw", ClusterID: "c2", HealthCheckIP: addrB.Addr()}
	if err := c.RemoteEndpointCreated(ep); err != nil {
		t.Fatal(err)
	}

	// Connected, with statistics a ping across a veth pair can have.
	out.waitFor(t, 2*time.Second, "connected", became("c2-gw", health.Connected))
	st, ok := c.Status("c2-gw")
	lat := st.Latency
	switch {
	case !ok || st.IP != addrB.Addr() || st.Reason != health.ReasonReplies:
		t.Fatalf("status %+v", st)
	case lat.Samples < 1 || lat.Min <= 0 || lat.Max >= time.Second:
		t.Fatalf("implausible latency %+v", lat)
	case lat.Min > lat.Mean || lat.Mean > lat.Max || lat.Last < lat.Min || lat.Last > lat.Max:
		t.Fatalf("inconsistent latency %+v", lat)
	}
	t.Logf("connected: %+v", lat)
	rep := out.waitFor(t, 2*time.Second, "report", func(e health.Effect) bool { return e.Kind == health.Report })
	if len(rep.Statuses) != 1 || rep.Statuses[0].Endpoint != "c2-gw" {
		t.Fatalf("report %v, want c2-gw alone", rep)
	}

	// Link down: Error once ErrorAfter probes in a row are lost. The last
	// of them is sent at most ErrorAfter intervals after the link went down
	// and reported a timeout later; a second is left for scheduling.
	if err := pr.b.Handle.LinkSetDown(pr.peerB); err != nil {
		t.Fatal(err)
	}
	down := time.Now()
	e := out.waitFor(t, errorAfter*interval+timeout+time.Second, "error", became("c2-gw", health.Error))
	if e.Reason != health.ReasonConsecutiveLosses {
		t.Fatalf("error for %q, want %q", e.Reason, health.ReasonConsecutiveLosses)
	}
	t.Logf("error %v after link down (ErrorAfter %d × interval %v + timeout %v = %v)",
		time.Since(down), errorAfter, interval, timeout, errorAfter*interval+timeout)
	if st, _ := c.Status("c2-gw"); st.Lost < errorAfter {
		t.Fatalf("error with %d losses in the window", st.Lost)
	}

	// Link up: the losses leave the window and it is connected again.
	if err := pr.b.Handle.LinkSetUp(pr.peerB); err != nil {
		t.Fatal(err)
	}
	out.waitFor(t, 5*time.Second, "recovered", became("c2-gw", health.Connected))

	// Stale removal: the prober stops and nothing more reaches b.
	if err := c.StaleRemoteEndpointRemoved(ep); err != nil {
		t.Fatal(err)
	}
	if got := c.Probing(); len(got) != 0 {
		t.Fatalf("probing %v after the stale removal", got)
	}
	if _, ok := c.Status("c2-gw"); ok {
		t.Fatal("a stale-removed endpoint is still tracked")
	}
	assertQuiet(t, pr.b)
}

// assertQuiet checks that ns receives no echo request for six intervals,
// after one timeout of grace for a request already in flight.
func assertQuiet(t *testing.T, ns *nstest.Namespace) {
	t.Helper()
	time.Sleep(timeout)
	base := inEchos(t, ns)
	time.Sleep(6 * interval)
	if after := inEchos(t, ns); after != base {
		t.Fatalf("%d echo requests arrived after the prober was stopped", after-base)
	}
}

// Incident 000 end to end over real namespaces: east's gateway restarts
// into namespace c, its old endpoint in b is deleted after being
// superseded, and the endpoint machine's stale removal reaches the checker,
// which stops pinging b while it keeps pinging c.
func TestCheckerIncident000(t *testing.T) {
	a, b, c := nstest.New(t), nstest.New(t), nstest.New(t)
	join(t, a, b, "ms-b0", "ms-b", addrA, addrB)
	addrC0, addrC := netip.MustParsePrefix("169.254.201.1/30"), netip.MustParsePrefix("169.254.201.2/30")
	join(t, a, c, "ms-c0", "ms-c", addrC0, addrC)

	checker, out := newChecker(t, a, 0)
	machine, err := endpoint.New(endpoint.Config{LocalClusterID: "west"})
	if err != nil {
		t.Fatal(err)
	}
	step := func(ev endpoint.Event) {
		t.Helper()
		ns, err := machine.Step(ev)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range ns {
			if err := endpoint.Deliver(checker, n); err != nil {
				t.Fatal(err)
			}
		}
	}
	created := time.Date(2025, 6, 30, 20, 4, 23, 0, time.UTC)
	old := endpoint.Endpoint{Name: "east-gw-old", UID: "u1", ClusterID: "east", CreatedAt: created,
		Sequence: 1, HealthCheckIP: addrB.Addr()}
	successor := endpoint.Endpoint{Name: "east-gw-new", UID: "u2", ClusterID: "east", CreatedAt: created,
		Sequence: 2, HealthCheckIP: addrC.Addr()}

	step(endpoint.Upsert{Endpoint: old})
	step(endpoint.Synced{})
	out.waitFor(t, 2*time.Second, "old connected", became("east-gw-old", health.Connected))
	step(endpoint.Upsert{Endpoint: successor}) // same second, higher sequence: supersedes
	out.waitFor(t, 2*time.Second, "new connected", became("east-gw-new", health.Connected))
	step(endpoint.Delete{Name: old.Name})

	if got := checker.Probing(); !slices.Equal(got, []string{"east-gw-new"}) {
		t.Fatalf("probing %v, want only the successor", got)
	}
	assertQuiet(t, b)
	before := inEchos(t, c)
	time.Sleep(4 * interval)
	if inEchos(t, c) == before {
		t.Fatal("the successor is no longer probed")
	}
}

func TestNewCheckerRejectsBadConfig(t *testing.T) {
	probe := icmp.Config{Interval: time.Second, Timeout: time.Second}
	withResults := probe
	withResults.Results = func(icmp.Result) {}
	for name, cfg := range map[string]icmp.CheckerConfig{
		"results set":     {Probe: withResults},
		"negative report": {Probe: probe, ReportInterval: -1},
		"no interval":     {Probe: icmp.Config{Timeout: time.Second}},
	} {
		if _, err := icmp.NewChecker(cfg); !errors.Is(err, icmp.ErrInvalidConfig) {
			t.Errorf("%s: %v, want ErrInvalidConfig", name, err)
		}
	}
	_, err := icmp.NewChecker(icmp.CheckerConfig{Probe: probe, Health: health.Config{Window: -1}})
	if !errors.Is(err, health.ErrInvalidConfig) {
		t.Errorf("bad health config: %v, want health.ErrInvalidConfig", err)
	}
}

// A rejected notification changes nothing: nothing is probed.
func TestCheckerRejectsMalformedNotification(t *testing.T) {
	c, err := icmp.NewChecker(icmp.CheckerConfig{Probe: icmp.Config{Interval: time.Second, Timeout: time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	good := endpoint.Effect{Kind: endpoint.RemoteEndpointCreated,
		Endpoint: endpoint.Endpoint{Name: "c2-gw", HealthCheckIP: addrB.Addr()}}
	bad := endpoint.Effect{Kind: endpoint.RemoteEndpointCreated}
	if err := c.Notify(good, bad); !errors.Is(err, health.ErrInvalidEvent) {
		t.Fatalf("Notify = %v, want ErrInvalidEvent", err)
	}
	if len(c.Probing()) != 0 || len(c.Statuses()) != 0 {
		t.Fatalf("a rejected batch started %v", c.Probing())
	}
}
