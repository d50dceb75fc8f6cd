package vip_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"runtime"
	"runtime/debug"
	"slices"
	"testing"
	"time"

	"github.com/meshstate/meshstate/discovery/vip"
)

// Requirements (issue 4): a startup burst of 100,000 Services and 100,000
// EndpointSlices in shuffled order, then both synced markers, at most 5 µs
// per event and 400 MiB peak heap, the whole advertise set emitted at the
// second marker; a steady-state update of one slice in at most 2 µs.

func benchVIPWorld(n int) (svcs []vip.Service, slcs []vip.Slice) {
	yes, no := true, false
	for i := range n {
		ns := fmt.Sprintf("ns-%d", i%100)
		svcs = append(svcs, vip.Service{Namespace: ns, Name: fmt.Sprintf("svc-%d", i), UID: fmt.Sprintf("u-%d", i),
			Type: vip.ServiceTypeLoadBalancer,
			VIPs: []netip.Addr{netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})}})
		slcs = append(slcs, vip.Slice{Namespace: ns, Name: fmt.Sprintf("svc-%d-x7k2p", i), UID: fmt.Sprintf("s-%d", i),
			ServiceName: fmt.Sprintf("svc-%d", i), Endpoints: []vip.SliceEndpoint{
				{Conditions: vip.SliceConditions{Ready: &yes}, NodeName: "node-a"},
				{Conditions: vip.SliceConditions{Ready: &no, Serving: &yes, Terminating: &yes}, NodeName: "node-b"},
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
//
// x-baseline (issue 17) is the machine's cost over the burst divided by
// burstBaseline's over the same events. Every iteration runs the baseline
// just before and just after the machine (untimed by b, its heap not
// sampled), each run after a collection so that none pays for another's
// garbage, and divides the machine's cost by the mean of the two
// baseline costs, which cancels a steady drift of the load; when b stops
// before burstSamples such triples, further untimed triples run, and
// x-baseline is the median of the triples' ratios, so that a burst of
// load on one run of one triple does not decide it. Cost is the process's
// CPU time (cpuTime), collector included, not wall time: on a shared
// machine the share of the cores this process gets drifts by a factor of
// several within a second, which wall time charges to whichever of the
// two ran then. x-baseline-wall is the same median of wall-time ratios,
// for reference, and baseline-ns/event the baseline's mean wall time per
// event. Target: x-baseline at most 3.
//
// Under heavy load x-baseline still swings (2.3 to 4.8 at a load average
// of 10 on 2 cores), because the two run seconds apart and contention for
// caches and memory slows the machine's pointer chasing more than the
// baseline's inserts. Two steadier ratios are reported beside it, each the
// median of chunkedSamples passes of burstInterleaved, where a machine and
// a baseline take the burst in alternating chunks of 2,000 events:
// x-baseline-chunked with the collector on, which then marks both heaps
// and charges the work to whichever runs, so it flatters the machine, and
// x-baseline-mutator with the collector off, the two's own work alone,
// which is harsher on the machine than x-baseline, since the baseline's
// growing maps of large values cost it relatively more collection.
func BenchmarkVIPStartupBurst100k(b *testing.B) {
	const n = 100_000
	svcs, slcs := benchVIPWorld(n)
	events := make([]vip.Event, 0, 2*n+2)
	for i := range n {
		events = append(events, vip.ServiceUpsert{Service: svcs[i]}, vip.SliceUpsert{Slice: slcs[i]})
	}
	r := rand.New(rand.NewPCG(4, 4))
	r.Shuffle(len(events), func(i, j int) { events[i], events[j] = events[j], events[i] })
	events = append(events, vip.SlicesSynced{}, vip.ServicesSynced{})
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
	var buf []vip.Effect
	var wall time.Duration // of the timed runs
	var ratios, wallRatios []float64
	var baseCPU, baseWall, baseTotal time.Duration // of the current triple; all of them
	runBaseline := func() {
		runtime.GC()
		c0, t0 := cpuTime(), time.Now()
		bl := newBurstBaseline()
		bl.step(events)
		baseCPU, baseWall = baseCPU+cpuTime()-c0, baseWall+time.Since(t0)
		if len(bl.svcs) != n || len(bl.slcs) != n {
			b.Fatalf("the baseline kept %d services and %d slices, want %d of each", len(bl.svcs), len(bl.slcs), n)
		}
	}
	var cpu, mWall time.Duration
	runMachine := func(timed bool) {
		c0, t0 := cpuTime(), time.Now()
		m, err := vip.New(vip.Config{NodeName: "node-a"})
		if err != nil {
			b.Fatal(err)
		}
		for i, ev := range events {
			if buf, err = m.AppendStep(buf[:0], ev); err != nil {
				b.Fatal(err)
			}
			if timed && i%10_000 == 0 {
				sample()
			}
		}
		if timed {
			sample()
		}
		cpu, mWall = cpuTime()-c0, time.Since(t0)
		if timed {
			wall += time.Since(t0)
		}
		if len(buf) != n || buf[0].Kind != vip.Advertise {
			b.Fatalf("the second synced marker emitted %d effects, want %d Advertise", len(buf), n)
		}
	}
	// triple runs the baseline, the machine and the baseline again, and
	// keeps the machine's cost over the baselines' mean.
	triple := func(timed bool) {
		baseCPU, baseWall = 0, 0
		runBaseline()
		runtime.GC()
		if timed {
			b.StartTimer()
		}
		runMachine(timed)
		b.StopTimer()
		runBaseline()
		ratios = append(ratios, 2*cpu.Seconds()/baseCPU.Seconds())
		wallRatios = append(wallRatios, 2*mWall.Seconds()/baseWall.Seconds())
		baseTotal += baseWall
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		triple(true)
		b.StartTimer()
	}
	b.StopTimer()
	for len(ratios) < burstSamples {
		triple(false)
	}
	var chunked, mutator []float64
	for range chunkedSamples {
		chunked = append(chunked, burstInterleaved(b, events, true))
		mutator = append(mutator, burstInterleaved(b, events, false))
	}
	b.ReportMetric(float64(wall.Nanoseconds())/float64(b.N*len(events)), "ns/event")
	b.ReportMetric(median(ratios), "x-baseline")
	b.ReportMetric(3, "x-target") // issue 17
	b.ReportMetric(median(wallRatios), "x-baseline-wall")
	b.ReportMetric(median(chunked), "x-baseline-chunked")
	b.ReportMetric(median(mutator), "x-baseline-mutator")
	b.ReportMetric(float64(baseTotal.Nanoseconds())/float64(2*len(ratios)*len(events)), "baseline-ns/event")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(base)/(1<<20), "input-MiB")
	b.ReportMetric(float64(peak-base)/(1<<20), "machine-MiB")
}

// burstInterleaved feeds events to a fresh machine and a fresh
// burstBaseline in alternating chunks of 2,000 events (which of the two
// goes first alternates too), after a collection, and returns the
// machine's CPU time over the baseline's. Without gc the collector is off
// for the pass, so that the ratio is of the two's own work alone.
func burstInterleaved(b *testing.B, events []vip.Event, gc bool) float64 {
	runtime.GC()
	if !gc {
		defer runtime.GC()
		defer debug.SetGCPercent(debug.SetGCPercent(-1))
	}
	m, err := vip.New(vip.Config{NodeName: "node-a"})
	if err != nil {
		b.Fatal(err)
	}
	bl := newBurstBaseline()
	var buf []vip.Effect
	var machine, baseline time.Duration
	const chunk = 2_000
	for k := 0; k < len(events); k += chunk {
		part := events[k:min(k+chunk, len(events))]
		for turn := range 2 {
			c0 := cpuTime()
			if (turn+k/chunk)%2 == 0 {
				for _, ev := range part {
					if buf, err = m.AppendStep(buf[:0], ev); err != nil {
						b.Fatal(err)
					}
				}
				machine += cpuTime() - c0
			} else {
				bl.step(part)
				baseline += cpuTime() - c0
			}
		}
	}
	if len(bl.svcs) != len(bl.slcs) || len(buf) != len(bl.svcs) {
		b.Fatalf("the baseline kept %d services and %d slices, the machine advertised %d VIPs", len(bl.svcs), len(bl.slcs), len(buf))
	}
	return machine.Seconds() / baseline.Seconds()
}

// chunkedSamples is how many interleaved passes of each kind one run of
// BenchmarkVIPStartupBurst100k takes x-baseline-chunked and
// x-baseline-mutator from; they vary little.
const chunkedSamples = 3

// burstSamples is how many baseline-machine-baseline triples at least
// one run of BenchmarkVIPStartupBurst100k takes its x-baseline from.
const burstSamples = 5

// median returns the median of xs, which it sorts.
func median(xs []float64) float64 {
	slices.Sort(xs)
	if len(xs)%2 == 1 {
		return xs[len(xs)/2]
	}
	return (xs[len(xs)/2-1] + xs[len(xs)/2]) / 2
}

// baseKey is how the machine must key both kinds of object: a Service by
// namespace and name (its slices name it so in their label, and deletes
// name it so), a slice by namespace and its own name (deletes name it so).
type baseKey struct{ namespace, name string }

// burstBaseline is the floor of the startup burst: it takes the same
// events, dispatches on their type as AppendStep must, and stores each
// object by value into one of two maps, created empty and unsized (the
// machine cannot know the burst's size either), under the key the machine
// must use. It does no validation, no copy of a Service's VIPs, no
// grouping of slices under their Service, no endpoint counting, no VIP
// reference counting, and emits nothing at the synced markers: all of
// that is the machine's overhead over keeping the objects at all.
type burstBaseline struct {
	svcs map[baseKey]vip.Service
	slcs map[baseKey]vip.Slice
}

func newBurstBaseline() *burstBaseline {
	return &burstBaseline{svcs: map[baseKey]vip.Service{}, slcs: map[baseKey]vip.Slice{}}
}

func (bl *burstBaseline) step(events []vip.Event) {
	for _, ev := range events {
		switch ev := ev.(type) {
		case vip.ServiceUpsert:
			bl.svcs[baseKey{ev.Service.Namespace, ev.Service.Name}] = ev.Service
		case vip.SliceUpsert:
			bl.slcs[baseKey{ev.Slice.Namespace, ev.Slice.Name}] = ev.Slice
		}
	}
}

// BenchmarkVIPSteadySliceUpdate updates one slice of a synced machine
// holding 100,000 Services and slices. "same-decision" alternates two
// versions that both qualify (an endpoint added and removed: no effect);
// "flip" alternates a usable and an unusable version, so that every update
// advertises or withdraws the VIP.
//
// x-baseline (issue 17) is the machine's time divided by the baseline's
// over the same updates: a map holding the same 100,000 slices by value
// under (namespace, name), into which each update, dispatched on its type
// as AppendStep must, stores its slice: finding the slice's record by its
// key and recording the new version is the least an update costs. Chunks
// of 1,024 updates alternate between the two (only the machine's timed by
// b), so that the load of a shared machine weighs on both alike.
func BenchmarkVIPSteadySliceUpdate(b *testing.B) {
	const n = 100_000
	svcs, slcs := benchVIPWorld(n)
	m, err := vip.New(vip.Config{NodeName: "node-a"})
	if err != nil {
		b.Fatal(err)
	}
	for i := range n {
		m.Step(vip.SliceUpsert{Slice: slcs[i]})
		m.Step(vip.ServiceUpsert{Service: svcs[i]})
	}
	m.Step(vip.ServicesSynced{})
	m.Step(vip.SlicesSynced{})
	bl := newBurstBaseline()
	for i := range n {
		bl.slcs[baseKey{slcs[i].Namespace, slcs[i].Name}] = slcs[i]
	}
	target := slcs[n/2]
	grown := target
	grown.Endpoints = append(grown.Endpoints[:2:2], grown.Endpoints[0])
	no := false
	dead := target
	dead.Endpoints = []vip.SliceEndpoint{{Conditions: vip.SliceConditions{Ready: &no}, NodeName: "node-a"}}
	for _, bc := range []struct {
		name    string
		a, b    vip.Slice
		effects int
	}{{"same-decision", grown, target, 0}, {"flip", dead, target, 1}} {
		b.Run(bc.name, func(b *testing.B) {
			evs := [2]vip.Event{vip.SliceUpsert{Slice: bc.a}, vip.SliceUpsert{Slice: bc.b}}
			var buf []vip.Effect
			var d, bd time.Duration
			b.ReportAllocs()
			b.ResetTimer()
			for done := 0; done < b.N; {
				k := min(1024, b.N-done)
				t0 := time.Now()
				for i := range k {
					if buf, err = m.AppendStep(buf[:0], evs[i&1]); err != nil || len(buf) != bc.effects {
						b.Fatalf("%v %v", buf, err)
					}
				}
				d += time.Since(t0)
				b.StopTimer()
				t0 = time.Now()
				for i := range k {
					bl.step(evs[i&1 : i&1+1])
				}
				bd += time.Since(t0)
				b.StartTimer()
				if k&1 == 1 {
					m.Step(evs[1]) // every chunk starts from target
				}
				done += k
			}
			b.StopTimer()
			b.ReportMetric(d.Seconds()/bd.Seconds(), "x-baseline")
		})
	}
}
