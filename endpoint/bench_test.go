package endpoint_test

// The requirement: a stream of 1,000,000 events over 10,000 clusters with
// supersessions costs at most 300 ns and 2 allocations per event. Run
//
//	go test -run '^$' -bench . -benchmem ./endpoint
//
// BenchmarkStream/fresh is that figure. Its events are generated in batches of
// 1,000 with the timer stopped, each with its own strings and slices, so the
// machine meets them in cache as it meets objects an informer has just
// decoded. BenchmarkStream/cold generates all million first, so every event
// is a cache miss; it measures the memory system as much as the machine.

import (
	"runtime"
	"testing"

	"github.com/meshstate/meshstate/endpoint"
	"github.com/meshstate/meshstate/endpoint/endpointtest"
)

const (
	benchEvents   = 1_000_000
	benchClusters = 10_000
	benchBatch    = 1_000
)

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
			for range b.N {
				b.StopTimer()
				m, _ := endpoint.New(endpoint.Config{LocalClusterID: "cluster-00000"})
				w := newBenchWorld(1, tc.clusters)
				w.list()
				for done := 0; done < benchEvents; done += len(w.out) {
					if done > 0 {
						w.out = w.out[:0]
						w.fill(min(benchBatch, benchEvents-done))
					}
					runtime.ReadMemStats(&ms0)
					b.StartTimer()
					stepAll(b, m, w.out, tc.reuse)
					b.StopTimer()
					runtime.ReadMemStats(&ms1)
					mallocs += ms1.Mallocs - ms0.Mallocs
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchEvents), "ns/event")
			b.ReportMetric(float64(mallocs)/float64(b.N*benchEvents), "allocs/event")
		})
	}
	b.Run("cold/AppendStep", func(b *testing.B) {
		w := newBenchWorld(1, benchClusters)
		w.list()
		w.fill(benchEvents)
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			m, _ := endpoint.New(endpoint.Config{LocalClusterID: "cluster-00000"})
			stepAll(b, m, w.out, true)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(w.out)), "ns/event")
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
// clusters.
func BenchmarkStep(b *testing.B) {
	setup := func(b *testing.B) (*endpoint.Machine, *benchWorld) {
		w := newBenchWorld(2, benchClusters)
		w.list()
		m, _ := endpoint.New(endpoint.Config{})
		stepAll(b, m, w.out, false)
		w.out = w.out[:0]
		return m, w
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
			m, w := setup(b)
			for i := 0; i < benchClusters; i++ {
				tc.next(w, w.clusters[i])
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				if i%len(w.out) == 0 && i > 0 {
					b.StopTimer()
					w.out = w.out[:0]
					for _, c := range w.clusters {
						tc.next(w, c)
					}
					b.StartTimer()
				}
				if _, err := m.Step(w.out[i%len(w.out)]); err != nil {
					b.Fatal(err)
				}
			}
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
