package health_test

import (
	"fmt"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/meshstate/meshstate/endpoint"
	"github.com/meshstate/meshstate/health"
)

func tracked(b *testing.B, n int) (*health.Machine, []uint64) {
	m, err := health.New(health.Config{})
	if err != nil {
		b.Fatal(err)
	}
	gens := make([]uint64, n)
	for i := range n {
		ep := endpoint.Endpoint{Name: fmt.Sprintf("ep-%05d", i), ClusterID: "c",
			HealthCheckIP: netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})}
		if _, err := m.Step(health.Notified{Notification: endpoint.Effect{Kind: endpoint.RemoteEndpointCreated, Endpoint: ep}}); err != nil {
			b.Fatal(err)
		}
		_, gens[i], _ = m.Prober(ep.Name)
	}
	return m, gens
}

// BenchmarkProbeResult is one probe result stepped into a reused
// buffer: the prober's hot path (issue 17: at most 2x its baseline and 0
// allocations).
//
// The baseline is floorStep over the same results: the least a step
// cannot avoid. A result names its endpoint, so it finds that endpoint's
// ring (one map lookup by name, as the machine's), computes the latency
// (Received-Sent, as the machine must to validate and record it) and
// makes one ring-buffer update (store over the oldest, advance the head).
// What it leaves out is what the machine adds: validation, the prober's
// generation and sequence checks, the window's running sums and
// extremes, and the status rule.
//
// Batches of 4096 steps and of 4096 floor steps alternate in the same
// run, so that the machine's load weighs on both alike; only the steps
// are timed by b (ns/op, allocs/op). x-baseline is the median over the
// batch pairs of step time ÷ floor time: on a shared machine a batch
// descheduled for a while is an outlier the median ignores and a sum
// would not. x-ring is the same against the ring update alone, name
// lookup left out, for reference.
func BenchmarkProbeResult(b *testing.B) {
	m, gens := tracked(b, 1)
	buf := make([]health.Effect, 0, 4)
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	// The results of one batch, made beforehand so that making them is
	// timed in neither: replies of 0 to 6 ms, every 13th probe lost.
	const batch = 4096
	rs := make([]health.ProbeResult, batch)
	for i := range rs {
		rs[i] = health.ProbeResult{Endpoint: "ep-00000", Generation: gens[0], Sent: at,
			Received: at.Add(time.Duration(i%7) * time.Millisecond)}
		if i%13 == 0 {
			rs[i].Lost, rs[i].Received = true, time.Time{}
		}
	}
	rings := map[string]*floorRing{"ep-00000": {ring: make([]int64, m.Config().Window)}}
	ring := rings["ep-00000"]
	xs := make([]float64, 0, b.N/batch+1)
	xr := make([]float64, 0, b.N/batch+1)
	b.ReportAllocs()
	b.ResetTimer()
	seq := uint64(0)
	for done := 0; done < b.N; {
		k := min(batch, b.N-done)
		t0 := time.Now()
		for i := range k {
			seq++
			rs[i].Seq = seq
			var err error
			if buf, err = m.AppendProbeResult(buf[:0], &rs[i]); err != nil {
				b.Fatal(err)
			}
		}
		d := time.Since(t0)
		b.StopTimer()
		t0 = time.Now()
		for i := range k {
			floorStep(rings, &rs[i])
		}
		bd := time.Since(t0)
		t0 = time.Now()
		for i := range k {
			ring.add(&rs[i])
		}
		rd := time.Since(t0)
		xs, xr = append(xs, d.Seconds()/bd.Seconds()), append(xr, d.Seconds()/rd.Seconds())
		b.StartTimer()
		done += k
	}
	b.StopTimer()
	b.ReportMetric(median(xs), "x-baseline")
	b.ReportMetric(2, "x-target") // issue 17, with 0 allocs
	b.ReportMetric(median(xr), "x-ring")
}

// median returns the median of xs, which it sorts.
func median(xs []float64) float64 {
	slices.Sort(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

// floorRing is a bare ring buffer of latencies, the window's storage
// without its running sums, extremes and status.
type floorRing struct {
	ring []int64
	head int
}

// add stores r's latency (-1 when lost) over the oldest and advances
// the head.
func (f *floorRing) add(r *health.ProbeResult) {
	v := int64(-1)
	if !r.Lost {
		v = int64(r.Received.Sub(r.Sent))
	}
	f.ring[f.head] = v
	if f.head++; f.head == len(f.ring) {
		f.head = 0
	}
}

// floorStep is the baseline of a probe step: the endpoint's ring by
// name, and one ring update.
//
//go:noinline
func floorStep(rings map[string]*floorRing, r *health.ProbeResult) {
	if f := rings[r.Endpoint]; f != nil {
		f.add(r)
	}
}

// 10,000 endpoints probed once a second: one simulated second is 10,000
// results and one report. cpu-%/core is the time it takes per second.
func BenchmarkTenThousandEndpoints(b *testing.B) {
	const n = 10_000
	m, gens := tracked(b, n)
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("ep-%05d", i)
	}
	buf := make([]health.Effect, 0, 4)
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	sec := uint64(0)
	for b.Loop() {
		sec++
		at = at.Add(time.Second)
		for i := range n {
			r := health.ProbeResult{Endpoint: names[i], Generation: gens[i], Seq: sec, Sent: at,
				Received: at.Add(time.Duration(1+(i+int(sec))%5) * time.Millisecond)}
			var err error
			if buf, err = m.AppendProbeResult(buf[:0], &r); err != nil {
				b.Fatal(err)
			}
		}
		buf, _ = m.AppendStep(buf[:0], health.Tick{At: at})
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e9*100, "cpu-%/core")
}
