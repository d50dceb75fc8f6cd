package kernel_test

import (
	"fmt"
	"net/netip"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/meshstate/meshstate/cni"
	"github.com/meshstate/meshstate/cni/kernel"
	"github.com/meshstate/meshstate/internal/nstest"
)

// burstPairs is the reboot-sized burst of issue 13: 400 veth pairs (800
// links), each with an address, in one `ip -batch`.
const burstPairs = 400

// burstLines creates the burst; its last line gives pair 200 the pod
// address, so the address appears when the batch ends (give or take ip's
// exit) and discovery latency can be read from the batch's end.
func burstLines(pod netip.Prefix) []string {
	lines := make([]string, 0, 3*burstPairs+1)
	for i := range burstPairs {
		lines = append(lines,
			fmt.Sprintf("link add ba%d type veth peer name bb%d", i, i),
			fmt.Sprintf("addr add 192.168.%d.%d/32 dev ba%d", i/250, i%250+1, i),
			fmt.Sprintf("link set ba%d up", i))
	}
	return append(lines, fmt.Sprintf("addr add %s dev ba200", pod))
}

// burstRound is one reboot: a fresh namespace with a watcher started on
// it (nothing to find yet), then the burst. Run must live through it, its
// view end equal to the kernel's, and the CNI interface be discovered. It
// returns how long after the batch ended the Discovered came, and the
// watcher's status.
func burstRound(t testing.TB, tiny bool) (time.Duration, kernel.Status) {
	ns := nstest.New(t)
	cfg, faults := kernel.WithFaults(kernel.Config{})
	if tiny {
		faults.TinyBuffers()
	}
	r := start(t, ns, cfg)
	defer r.stop(t)
	r.await(t, bound, "the first RetryAfter", func(e cni.Effect) bool { return e.Kind == cni.RetryAfter })

	pod := netip.MustParsePrefix("10.244.7.1/32")
	batch(t, ns, burstLines(pod))
	end := time.Now()
	d := r.await(t, settleBound, "Discovered ba200", func(e cni.Effect) bool {
		return e.Kind == cni.Discovered && e.Interface == "ba200" && e.Address == pod
	})
	links := r.converged(t, ns)
	if len(links) < 2*burstPairs+1 {
		t.Fatalf("converged on %d links, want at least %d", len(links), 2*burstPairs+1)
	}
	st := r.w.Status()
	if !st.Found || st.Interface.Interface != "ba200" || st.Reason != "" {
		t.Fatalf("status %+v, want ba200 found", st)
	}
	r.alive(t)
	return d.at.Sub(end), st
}

// Issue 13: a reboot-sized burst after Run started used to end Run (the
// subscription overflowed, or ten dumps in a row were interrupted). Two
// rounds here, the second with tiny subscription buffers so that the
// kernel overflows them for real (ENOBUFS) and interrupts dumps;
// BenchmarkBurst runs ten of each.
func TestBurst(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for round, tiny := range []bool{false, true} {
		lat, st := burstRound(t, tiny)
		if tiny && st.Subscriptions < 2 {
			t.Logf("round %d: the kernel did not overflow the tiny subscription this time", round)
		}
		t.Logf("round %d: discovered %v after the batch ended; %d subscriptions, %d dumps, %d interrupted, last error %v",
			round, lat.Round(time.Microsecond), st.Subscriptions, st.Dumps, st.InterruptedDumps, st.LastError)
	}
}

// BenchmarkBurst is TestBurst's round as the op (run it with -benchtime=10x
// for the ten rounds). It reports the discovery latency after the
// batch ended (mean, and the worst round), and the faults met per round.
func BenchmarkBurst(b *testing.B) {
	for _, bc := range []struct {
		name string
		tiny bool
	}{{"default", false}, {"tiny-buffers", true}} {
		b.Run(bc.name, func(b *testing.B) {
			var total, worst time.Duration
			var resubs, intr int
			for range b.N {
				lat, st := burstRound(b, bc.tiny)
				total += lat
				worst = max(worst, lat)
				resubs += st.Subscriptions - 1
				intr += st.InterruptedDumps
			}
			b.ReportMetric(float64(total.Microseconds())/1e3/float64(b.N), "discovery-ms")
			b.ReportMetric(float64(worst.Microseconds())/1e3, "worst-discovery-ms")
			b.ReportMetric(float64(resubs)/float64(b.N), "resubscribes/round")
			b.ReportMetric(float64(intr)/float64(b.N), "interrupted-dumps/round")
		})
	}
}
