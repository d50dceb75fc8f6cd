package health_test

import (
	"fmt"
	"net/netip"
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

// One probe result into a reused buffer: the bound is 100 ns and
// 0 allocations.
func BenchmarkProbeResult(b *testing.B) {
	m, gens := tracked(b, 1)
	buf := make([]health.Effect, 0, 4)
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	r := health.ProbeResult{Endpoint: "ep-00000", Generation: gens[0]}
	b.ReportAllocs()
	seq := uint64(0)
	for b.Loop() {
		seq++
		r.Seq, r.Sent = seq, at
		r.Received = at.Add(time.Duration(seq%7) * time.Millisecond)
		r.Lost = seq%13 == 0
		if r.Lost {
			r.Received = time.Time{}
		}
		var err error
		if buf, err = m.AppendProbeResult(buf[:0], &r); err != nil {
			b.Fatal(err)
		}
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
