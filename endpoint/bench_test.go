package endpoint_test

// The requirement (issue 17): at 10,000 clusters an event of the stream
// costs at most 3 times its baseline, measured in the same run on the same
// events, and at most 2 allocations. Run
//
//	go test -run '^$' -bench Stream -benchmem ./endpoint
//
// BenchmarkStream/fresh is that figure. Its events are generated in batches of
// 1,000 with the timer stopped, each with its own strings and slices, so the
// machine meets them in cache as it meets objects an informer has just
// decoded. BenchmarkStream/cold generates all million first, so every event
// is a cache miss; it measures the memory system as much as the machine.
//
// Every case reports x-baseline: the machine's time over the floor's (see
// floor) on the same events. The two alternate batch by batch, each on its
// own freshly copied events, so that machine load and cache warmth affect
// both alike; absolute nanoseconds vary twofold between machines, the ratio
// does not. x-baseline is the median of the per-batch ratios, so that a
// batch descheduled or caught by a GC cycle on a loaded machine does not
// swing it; ns/event over floor-ns/event is the ratio of the totals.

import (
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/meshstate/meshstate/endpoint"
	"github.com/meshstate/meshstate/endpoint/endpointtest"
)

const (
	benchEvents   = 1_000_000
	benchClusters = 10_000
	benchBatch    = 1_000
)

// floor is the baseline: the least work an endpoint event cannot avoid at
// 10,000 clusters, and nothing else. Whatever the machine decides, it must
//   - tell the event's kind apart (the type switch);
//   - find the endpoint's state by name: a hash of the name and a probe in
//     a map of some 11,000 entries, which is a cache miss at this size,
//     with an insertion for a new name and a deletion for a deleted one;
//   - tell an informer resync (the stored ResourceVersion again, nearly
//     half the stream) from a change: one comparison with the stored
//     version, after which a resync needs nothing more;
//   - for anything else, reach the state of the endpoint's cluster, since
//     which endpoint is active is a per-cluster decision: a lookup by
//     cluster ID in a map of 10,000 (another miss), creating or dropping
//     the entry as the cluster gains its first endpoint or loses its last;
//   - keep an upserted endpoint: the one store, a copy of the endpoint into
//     its record (allocated for a new name).
//
// It validates nothing, orders nothing and produces no notification: those
// are what the machine adds, and x-baseline is their price.
//
// It is the floor for a plain layout of that state (maps keyed by the
// strings the events carry, one record per endpoint), not for every
// conceivable one: the machine is cleverer in two places, so parts of the
// stream can come close to 1. It keeps the version parsed in the record,
// so a resync does not read the stored version's bytes (the floor compares
// the strings, one more miss), and a record points to its cluster, so an
// update does not look the cluster up by ID.
type floor struct {
	names    map[string]*floorRecord
	clusters map[string]*floorCluster
}

type floorRecord struct{ ep endpoint.Endpoint }

type floorCluster struct {
	members int
	last    *floorRecord
}

func newFloor() *floor {
	return &floor{names: make(map[string]*floorRecord), clusters: make(map[string]*floorCluster)}
}

func (f *floor) step(ev endpoint.Event) {
	switch ev := ev.(type) {
	case endpoint.Upsert:
		ep := &ev.Endpoint
		r := f.names[ep.Name]
		if r != nil && r.ep.ResourceVersion == ep.ResourceVersion {
			return
		}
		c := f.clusters[ep.ClusterID]
		if c == nil {
			c = &floorCluster{}
			f.clusters[ep.ClusterID] = c
		}
		if r == nil {
			r = new(floorRecord)
			f.names[ep.Name] = r
			c.members++
		}
		r.ep = *ep
		c.last = r
	case endpoint.Delete:
		r := f.names[ev.Name]
		if r == nil {
			return
		}
		delete(f.names, ev.Name)
		if c := f.clusters[r.ep.ClusterID]; c != nil {
			if c.members--; c.members == 0 {
				delete(f.clusters, r.ep.ClusterID)
			}
		}
	}
}

// pairs collects the times of batches run by the machine and the floor.
type pairs struct {
	machine, floor time.Duration
	ratios         []float64
}

func (p *pairs) add(machine, floor time.Duration) {
	p.machine += machine
	p.floor += floor
	if machine > 0 && floor > 0 {
		p.ratios = append(p.ratios, machine.Seconds()/floor.Seconds())
	}
}

// report reports the machine's and the floor's time per event and the
// median ratio as x-baseline.
func (p *pairs) report(b *testing.B, events int, unit string) {
	b.ReportMetric(float64(p.machine.Nanoseconds())/float64(events), "ns/"+unit)
	b.ReportMetric(float64(p.floor.Nanoseconds())/float64(events), "floor-ns/"+unit)
	if len(p.ratios) > 0 {
		slices.Sort(p.ratios)
		b.ReportMetric(p.ratios[len(p.ratios)/2], "x-baseline")
	}
}

func (f *floor) run(events []endpoint.Event) {
	for _, ev := range events {
		f.step(ev)
	}
}

// copied returns fresh copies of events, as if decoded again: the floor's
// share of a batch, which it meets as fresh as the machine met its own.
func copied(events []endpoint.Event) []endpoint.Event {
	out := make([]endpoint.Event, len(events))
	for i, ev := range events {
		switch ev := ev.(type) {
		case endpoint.Upsert:
			out[i] = endpoint.Upsert{Endpoint: decoded(ev.Endpoint)}
		case endpoint.Delete:
			out[i] = endpoint.Delete{Name: string([]byte(ev.Name)), UID: ev.UID}
		default:
			out[i] = ev
		}
	}
	return out
}

func BenchmarkStream(b *testing.B) {
	for _, tc := range []struct {
		name     string
		clusters int
		reuse    bool
	}{
		{"fresh/AppendStep", benchClusters, true},
		{"fresh/Step", benchClusters, false},
		// The same stream over 100 clusters, whose state stays in cache:
		// the cost of the decisions alone, without the memory system's.
		{"fresh/AppendStep/100-clusters", 100, true},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var ms0, ms1 runtime.MemStats
			var mallocs uint64
			var p pairs
			for range b.N {
				b.StopTimer()
				m, _ := endpoint.New(endpoint.Config{LocalClusterID: "cluster-00000"})
				f := newFloor()
				w := newBenchWorld(1, tc.clusters)
				w.list()
				for batch, done := 0, 0; done < benchEvents; batch, done = batch+1, done+len(w.out) {
					if done > 0 {
						w.out = w.out[:0]
						w.fill(min(benchBatch, benchEvents-done))
					}
					floorEvents := copied(w.out)
					var machine, base time.Duration
					runFloor := func() {
						t0 := time.Now()
						f.run(floorEvents)
						base = time.Since(t0)
					}
					// Which of the two goes first alternates, so that
					// neither is always the one that runs just after
					// the generator's garbage.
					if batch%2 == 1 {
						runFloor()
					}
					runtime.ReadMemStats(&ms0)
					b.StartTimer()
					t0 := time.Now()
					stepAll(b, m, w.out, tc.reuse)
					machine = time.Since(t0)
					b.StopTimer()
					runtime.ReadMemStats(&ms1)
					mallocs += ms1.Mallocs - ms0.Mallocs
					if batch%2 == 0 {
						runFloor()
					}
					p.add(machine, base)
				}
			}
			p.report(b, b.N*benchEvents, "event")
			b.ReportMetric(float64(mallocs)/float64(b.N*benchEvents), "allocs/event")
			if tc.clusters == benchClusters {
				b.ReportMetric(3, "x-target") // issue 17, with at most 2 allocs/event
			}
		})
	}
	b.Run("cold/AppendStep", func(b *testing.B) {
		w := newBenchWorld(1, benchClusters)
		w.list()
		w.fill(benchEvents)
		b.ReportAllocs()
		b.ResetTimer()
		// The floor's pass follows the machine's over the same events:
		// they are long out of cache by the time either meets them. One
		// pair of passes gives one ratio, so this one is noisier than
		// fresh's median over a thousand batches.
		var p pairs
		for range b.N {
			m, _ := endpoint.New(endpoint.Config{LocalClusterID: "cluster-00000"})
			t0 := time.Now()
			stepAll(b, m, w.out, true)
			machine := time.Since(t0)
			b.StopTimer()
			f := newFloor()
			t0 = time.Now()
			f.run(w.out)
			p.add(machine, time.Since(t0))
			b.StartTimer()
		}
		p.report(b, b.N*len(w.out), "event")
	})
}

// stepAll feeds events to m, through AppendStep with one reused buffer (as
// an adapter that hands the notifications on before the next event does)
// or through Step.
func stepAll(b *testing.B, m *endpoint.Machine, events []endpoint.Event, reuse bool) {
	var buf []endpoint.Effect
	var err error
	for _, ev := range events {
		if reuse {
			buf, err = m.AppendStep(buf[:0], ev)
		} else {
			_, err = m.Step(ev)
		}
		if err != nil {
			b.Fatalf("%T%+v: %v", ev, ev, err)
		}
	}
}

// BenchmarkFootprint reports the heap a machine retains per tracked endpoint
// (10,000 clusters, each with one active and nine stale endpoints), beyond
// the endpoints' own strings, slices and maps, which it shares with the
// caller's input and which the caller decoded anyway.
func BenchmarkFootprint(b *testing.B) {
	w := newBenchWorld(1, benchClusters)
	for range 10 {
		for _, c := range w.clusters {
			w.add(c)
		}
	}
	b.ReportAllocs()
	var retained uint64
	for range b.N {
		before := liveHeap()
		m, _ := endpoint.New(endpoint.Config{})
		stepAll(b, m, w.out, false)
		retained = liveHeap() - before
		runtime.KeepAlive(m)
	}
	b.ReportMetric(float64(retained)/float64(len(w.out)), "B/endpoint")
}

func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// BenchmarkStep times single transitions on a synced machine of 10,000
// clusters, with x-baseline against the floor on the same transitions:
// chunks of 10,000 (one per cluster) alternate between the two.
func BenchmarkStep(b *testing.B) {
	setup := func(b *testing.B) (*endpoint.Machine, *floor, *benchWorld) {
		w := newBenchWorld(2, benchClusters)
		w.list()
		m, _ := endpoint.New(endpoint.Config{})
		f := newFloor()
		f.run(copied(w.out))
		stepAll(b, m, w.out, false)
		w.out = w.out[:0]
		return m, f, w
	}
	for _, tc := range []struct {
		name string
		next func(w *benchWorld, c *benchCluster)
	}{
		{"resync", func(w *benchWorld, c *benchCluster) { w.upsert(c.present[len(c.present)-1]) }},
		{"update-active", func(w *benchWorld, c *benchCluster) { w.update(c, len(c.present)-1) }},
		{"restart", func(w *benchWorld, c *benchCluster) { w.add(c); w.remove(c, len(c.present)-2) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			m, f, w := setup(b)
			var p pairs
			b.ReportAllocs()
			b.ResetTimer()
			for chunk, done := 0, 0; done < b.N; chunk++ {
				b.StopTimer()
				w.out = w.out[:0]
				for _, c := range w.clusters {
					tc.next(w, c)
				}
				events := w.out[:min(len(w.out), b.N-done)]
				floorEvents := copied(events)
				var base time.Duration
				runFloor := func() {
					t0 := time.Now()
					f.run(floorEvents)
					base = time.Since(t0)
				}
				if chunk%2 == 1 { // alternate which goes first
					runFloor()
				}
				b.StartTimer()
				t0 := time.Now()
				for _, ev := range events {
					if _, err := m.Step(ev); err != nil {
						b.Fatal(err)
					}
				}
				machine := time.Since(t0)
				b.StopTimer()
				if chunk%2 == 0 {
					runFloor()
				}
				p.add(machine, base)
				done += len(events)
			}
			p.report(b, b.N, "step")
		})
	}
}

// The generator must produce a valid stream, or the figures would time
// rejections: a small one goes through the invariant checker.
func TestBenchStreamIsValid(t *testing.T) {
	w := newBenchWorld(3, 20)
	w.list()
	w.fill(4_000)
	steps := make([]endpointtest.Step, len(w.out))
	for i, ev := range w.out {
		steps[i] = endpointtest.Step{Event: ev}
	}
	if err := endpointtest.Check("", steps); err != nil {
		t.Fatal(err)
	}
}
