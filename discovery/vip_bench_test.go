package discovery_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"runtime"
	"testing"

	"github.com/meshstate/meshstate/discovery"
)

// Requirements (issue 4): a startup burst of 100,000 Services and 100,000
// EndpointSlices in shuffled order, then both synced markers, at most 5 µs
// per event and 400 MiB peak heap, the whole advertise set emitted at the
// second marker; a steady-state update of one slice in at most 2 µs.

func benchVIPWorld(n int) (svcs []discovery.VIPService, slcs []discovery.VIPSlice) {
	yes, no := true, false
	for i := range n {
		ns := fmt.Sprintf("ns-%d", i%100)
		svcs = append(svcs, discovery.VIPService{Namespace: ns, Name: fmt.Sprintf("svc-%d", i), UID: fmt.Sprintf("u-%d", i),
			Type: discovery.ServiceTypeLoadBalancer,
			VIPs: []netip.Addr{netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})}})
		slcs = append(slcs, discovery.VIPSlice{Namespace: ns, Name: fmt.Sprintf("svc-%d-x7k2p", i), UID: fmt.Sprintf("s-%d", i),
			ServiceName: fmt.Sprintf("svc-%d", i), Endpoints: []discovery.SliceEndpoint{
				{Conditions: discovery.SliceConditions{Ready: &yes}, NodeName: "node-a"},
				{Conditions: discovery.SliceConditions{Ready: &no, Serving: &yes, Terminating: &yes}, NodeName: "node-b"},
			}})
	}
	return svcs, slcs
}

// BenchmarkVIPStartupBurst100k feeds 200,002 events to a fresh machine per
// iteration. ns/event is the wall time per event. peak-heap-MiB is the
// high-water mark of runtime.MemStats.HeapAlloc (live and not yet collected
// heap) sampled every 10,000 events and after the last, over the whole
// process: it includes the 200,000 prepared events (input-MiB, HeapAlloc
// before the machine is built); machine-MiB is the difference.
func BenchmarkVIPStartupBurst100k(b *testing.B) {
	const n = 100_000
	svcs, slcs := benchVIPWorld(n)
	events := make([]discovery.VIPEvent, 0, 2*n+2)
	for i := range n {
		events = append(events, discovery.ServiceUpsert{Service: svcs[i]}, discovery.SliceUpsert{Slice: slcs[i]})
	}
	r := rand.New(rand.NewPCG(4, 4))
	r.Shuffle(len(events), func(i, j int) { events[i], events[j] = events[j], events[i] })
	events = append(events, discovery.SlicesSynced{}, discovery.ServicesSynced{})
	svcs, slcs = nil, nil
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	peak := base
	sample := func() {
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapAlloc)
	}
	var buf []discovery.VIPEffect
	b.ResetTimer()
	for b.Loop() {
		m, err := discovery.NewVIPMachine(discovery.VIPConfig{NodeName: "node-a"})
		if err != nil {
			b.Fatal(err)
		}
		for i, ev := range events {
			if buf, err = m.AppendStep(buf[:0], ev); err != nil {
				b.Fatal(err)
			}
			if i%10_000 == 0 {
				sample()
			}
		}
		sample()
		if len(buf) != n || buf[0].Kind != discovery.Advertise {
			b.Fatalf("the second synced marker emitted %d effects, want %d Advertise", len(buf), n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(events)), "ns/event")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(base)/(1<<20), "input-MiB")
	b.ReportMetric(float64(peak-base)/(1<<20), "machine-MiB")
}

// BenchmarkVIPSteadySliceUpdate updates one slice of a synced machine
// holding 100,000 Services and slices. "same-decision" alternates two
// versions that both qualify (an endpoint added and removed: no effect);
// "flip" alternates a usable and an unusable version, so that every update
// advertises or withdraws the VIP.
func BenchmarkVIPSteadySliceUpdate(b *testing.B) {
	const n = 100_000
	svcs, slcs := benchVIPWorld(n)
	m, err := discovery.NewVIPMachine(discovery.VIPConfig{NodeName: "node-a"})
	if err != nil {
		b.Fatal(err)
	}
	for i := range n {
		m.Step(discovery.SliceUpsert{Slice: slcs[i]})
		m.Step(discovery.ServiceUpsert{Service: svcs[i]})
	}
	m.Step(discovery.ServicesSynced{})
	m.Step(discovery.SlicesSynced{})
	target := slcs[n/2]
	grown := target
	grown.Endpoints = append(grown.Endpoints[:2:2], grown.Endpoints[0])
	no := false
	dead := target
	dead.Endpoints = []discovery.SliceEndpoint{{Conditions: discovery.SliceConditions{Ready: &no}, NodeName: "node-a"}}
	for _, bc := range []struct {
		name    string
		a, b    discovery.VIPSlice
		effects int
	}{{"same-decision", grown, target, 0}, {"flip", dead, target, 1}} {
		b.Run(bc.name, func(b *testing.B) {
			evs := [2]discovery.VIPEvent{discovery.SliceUpsert{Slice: bc.a}, discovery.SliceUpsert{Slice: bc.b}}
			var buf []discovery.VIPEffect
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if buf, err = m.AppendStep(buf[:0], evs[i&1]); err != nil || len(buf) != bc.effects {
					b.Fatalf("%v %v", buf, err)
				}
				i++
			}
			if i&1 == 1 {
				m.Step(evs[1])
			}
		})
	}
}
