package icmp_test

import (
	"context"
	"errors"
	"net/netip"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/meshstate/meshstate/health/icmp"
)

// answered and lost select results for waitFor.
func answered(key string) func(icmp.Result) bool {
	return func(r icmp.Result) bool { return r.Key == key && !r.Lost }
}

func lost(key string) func(icmp.Result) bool {
	return func(r icmp.Result) bool { return r.Key == key && r.Lost }
}

// The scenario across two namespaces: connected with a plausible
// RTT, link down leads to loss, link up to recovery, and a stopped prober
// sends nothing more to the peer.
func TestProbeAcrossNamespaces(t *testing.T) {
	defer goleak.VerifyNone(t)
	pr := newPair(t)
	rec := make(recorder, 1024)
	p, err := icmp.New(icmp.Config{Interval: interval, Timeout: timeout, Namespace: pr.a.NS, Results: rec.add})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- p.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-errc; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	if err := p.Start("b", 7, addrB.Addr()); err != nil {
		t.Fatal(err)
	}

	// (1) Connected: replies with a plausible RTT, tagged with the key.
	r := rec.waitFor(t, 2*time.Second, "answered", answered("b"))
	if r.Generation != 7 || r.Received.IsZero() || r.RTT() <= 0 || r.RTT() >= time.Second {
		t.Fatalf("first reply %+v, RTT %v: want generation 7 and 0 < RTT < 1s", r, r.RTT())
	}
	t.Logf("RTT across the veth pair: %v", r.RTT())

	// (2) Link down in b: a probe is lost within a few intervals of the
	// timeout. Three intervals is the tolerance the health machine is
	// expected to configure; the bound here is generous.
	if err := pr.b.Handle.LinkSetDown(pr.peerB); err != nil {
		t.Fatal(err)
	}
	drain(rec)
	down := time.Now()
	rec.waitFor(t, timeout+3*interval+time.Second, "lost after link down", lost("b"))
	t.Logf("first loss reported %v after link down", time.Since(down))

	// (3) Link up: replies resume.
	if err := pr.b.Handle.LinkSetUp(pr.peerB); err != nil {
		t.Fatal(err)
	}
	rec.waitFor(t, 5*time.Second, "answered after link up", answered("b"))

	// (4) Stop: no echo request reaches b afterwards. One timeout of grace
	// lets a request already in flight land before the baseline is read.
	before := inEchos(t, pr.b)
	if before == 0 {
		t.Fatal("b counted no echo requests while probed: the counter is not the right one")
	}
	p.Stop("b")
	time.Sleep(timeout)
	base := inEchos(t, pr.b)
	drain(rec)
	time.Sleep(6 * interval)
	if after := inEchos(t, pr.b); after != base {
		t.Fatalf("b received %d echo requests after Stop", after-base)
	}
	select {
	case r := <-rec:
		t.Fatalf("result after Stop: %+v", r)
	default:
	}
	if keys := p.Keys(); len(keys) != 0 {
		t.Fatalf("keys after Stop: %v", keys)
	}
}

// drain discards the results queued so far.
func drain(rec recorder) {
	for {
		select {
		case <-rec:
		default:
			return
		}
	}
}

// Start with a new generation replaces the prober: results then carry the
// new generation only, and restarting with the same one changes nothing.
func TestStartReplacesGeneration(t *testing.T) {
	pr := newPair(t)
	rec := make(recorder, 1024)
	p, err := icmp.New(icmp.Config{Interval: interval, Timeout: timeout, Namespace: pr.a.NS, Results: rec.add})
	if err != nil {
		t.Fatal(err)
	}
	// Started before Run: the prober waits for it.
	if err := p.Start("b", 1, addrB.Addr()); err != nil {
		t.Fatal(err)
	}
	runPool(t, p)
	rec.waitFor(t, 2*time.Second, "answered, generation 1", answered("b"))
	if err := p.Start("b", 2, addrB.Addr()); err != nil {
		t.Fatal(err)
	}
	if err := p.Start("b", 2, addrB.Addr()); err != nil {
		t.Fatal(err)
	}
	// Start returned after the old prober was told to stop, and a stopped
	// prober starts no new report, but one may be in progress: skip a few.
	rec.waitFor(t, 2*time.Second, "generation 2", func(r icmp.Result) bool { return r.Generation == 2 })
	for range 5 {
		r := rec.waitFor(t, 2*time.Second, "any", func(icmp.Result) bool { return true })
		if r.Generation != 2 {
			t.Fatalf("result of the replaced generation: %+v", r)
		}
	}
}

// A probe that cannot be sent is reported lost at once, with the send error.
func TestUnroutableProbeReportsSendError(t *testing.T) {
	pr := newPair(t)
	rec := make(recorder, 1024)
	p, err := icmp.New(icmp.Config{Interval: interval, Timeout: timeout, Namespace: pr.a.NS, Results: rec.add})
	if err != nil {
		t.Fatal(err)
	}
	runPool(t, p)
	// Namespace a has no default route, so 192.0.2.1 (TEST-NET-1) is
	// unreachable and the kernel refuses the send.
	if err := p.Start("ghost", 1, netip.MustParseAddr("192.0.2.1")); err != nil {
		t.Fatal(err)
	}
	r := rec.waitFor(t, 2*time.Second, "lost", lost("ghost"))
	if r.Err == nil {
		t.Fatalf("unroutable probe %+v: want a send error", r)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	ok := func(icmp.Result) {}
	for _, cfg := range []icmp.Config{
		{Timeout: time.Second, Results: ok},
		{Interval: time.Second, Results: ok},
		{Interval: time.Second, Timeout: -1, Results: ok},
		{Interval: time.Second, Timeout: time.Second},
	} {
		if _, err := icmp.New(cfg); !errors.Is(err, icmp.ErrInvalidConfig) {
			t.Errorf("New(%+v) = %v, want ErrInvalidConfig", cfg, err)
		}
	}
}

func TestStartRejectsBadInput(t *testing.T) {
	p, err := icmp.New(icmp.Config{Interval: time.Second, Timeout: time.Second, Results: func(icmp.Result) {}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		key  string
		ip   netip.Addr
		want error
	}{
		{"", netip.MustParseAddr("192.0.2.1"), icmp.ErrInvalidKey},
		{"k", netip.Addr{}, icmp.ErrUnsupportedAddr},
	} {
		if err := p.Start(tc.key, 1, tc.ip); !errors.Is(err, tc.want) {
			t.Errorf("Start(%q, %v) = %v, want %v", tc.key, tc.ip, err, tc.want)
		}
	}
	if keys := p.Keys(); len(keys) != 0 {
		t.Fatalf("rejected starts left keys %v", keys)
	}
	// An IPv4-mapped IPv6 address is an IPv4 address.
	if err := p.Start("k", 1, netip.MustParseAddr("::ffff:192.0.2.1")); err != nil {
		t.Fatal(err)
	}
	p.Stop("k")
	p.Stop("k") // a repeated stop is harmless
}

// A pool runs once; after Run returns, Start reports ErrStopped.
func TestRunOnceThenStopped(t *testing.T) {
	pr := newPair(t)
	p, err := icmp.New(icmp.Config{Interval: interval, Timeout: timeout, Namespace: pr.a.NS, Results: func(icmp.Result) {}})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start("b", 1, addrB.Addr()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := p.Run(ctx); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if err := p.Run(context.Background()); !errors.Is(err, icmp.ErrAlreadyRun) {
		t.Fatalf("second Run = %v, want ErrAlreadyRun", err)
	}
	if err := p.Start("c", 1, addrB.Addr()); !errors.Is(err, icmp.ErrStopped) {
		t.Fatalf("Start after Run = %v, want ErrStopped", err)
	}
}

// IPv6 endpoints are probed with ICMPv6 echoes across the namespaces:
// answered with a plausible RTT, lost after link down, answered again
// after link up, and a stopped prober sends nothing more to the peer.
func TestProbeIPv6AcrossNamespaces(t *testing.T) {
	pr := newPair(t)
	addAddr6(t, pr.a, "ms-a", addr6A)
	addAddr6(t, pr.b, "ms-b", addr6B)
	rec := make(recorder, 1024)
	p, err := icmp.New(icmp.Config{Interval: interval, Timeout: timeout, Namespace: pr.a.NS, Results: rec.add})
	if err != nil {
		t.Fatal(err)
	}
	runPool(t, p)
	if err := p.Start("b6", 1, addr6B.Addr()); err != nil {
		t.Fatal(err)
	}
	r := rec.waitFor(t, 5*time.Second, "answered over ICMPv6", answered("b6"))
	if r.RTT() <= 0 || r.RTT() >= time.Second {
		t.Fatalf("first reply %+v, RTT %v: want 0 < RTT < 1s", r, r.RTT())
	}
	t.Logf("ICMPv6 RTT across the veth pair: %v", r.RTT())

	if err := pr.b.Handle.LinkSetDown(pr.peerB); err != nil {
		t.Fatal(err)
	}
	drain(rec)
	rec.waitFor(t, timeout+3*interval+time.Second, "lost after link down", lost("b6"))
	if err := pr.b.Handle.LinkSetUp(pr.peerB); err != nil {
		t.Fatal(err)
	}
	// The address comes back with the link, without duplicate address
	// detection (NODAD), so replies resume at once.
	rec.waitFor(t, 5*time.Second, "answered after link up", answered("b6"))

	p.Stop("b6")
	time.Sleep(timeout)
	base := inEchos6(t, pr.b)
	if base == 0 {
		t.Fatal("b counted no ICMPv6 echo requests while probed: the counter is not the right one")
	}
	drain(rec)
	time.Sleep(6 * interval)
	if after := inEchos6(t, pr.b); after != base {
		t.Fatalf("b received %d ICMPv6 echo requests after Stop", after-base)
	}
}
