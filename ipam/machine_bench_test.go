package ipam_test

import (
	"fmt"
	"net/netip"
	"runtime"
	"slices"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meshstate/meshstate/internal/k8sname"
	"github.com/meshstate/meshstate/ipam"
)

// Requirements (issue 17), as ratios to a baseline measured in the same
// benchmark function, interleaved batch by batch so that the machine's load
// weighs on both alike: observing a new owner through to its status-write
// effect in at most 3 times its baseline and 3 allocations; recovering
// 100,000 owners is reported against its baseline too. No test asserts a
// time: the figures are for people and `make bench`. See where the time
// goes at BenchmarkObserveNewOwner.

var benchAt = time.Date(2025, 6, 30, 20, 4, 23, 0, time.UTC)

func benchOwners(n int) []ipam.Owner {
	out := make([]ipam.Owner, n)
	for i := range out {
		out[i] = ipam.Owner{Namespace: fmt.Sprintf("ns-%d", i%100), Name: fmt.Sprintf("gip-%d", i), UID: fmt.Sprintf("uid-%d", i)}
	}
	return out
}

// floorKey and floorRecord are the baselines' owner table: the owner's
// namespace/name, and what must outlive the step for it, its UID and its
// address, stored by value so that recording an owner is one map insert
// and nothing more.
type floorKey struct{ namespace, name string }

type floorRecord struct {
	uid  string
	addr netip.Addr
}

// floor is the least any allocator of global IPs keeps: a pool and a table
// of owners.
type floor struct {
	pool       *ipam.Pool
	owners     map[floorKey]floorRecord
	insertOnly bool
	effects    []ipam.Effect // reused, as an adapter reuses its buffer
}

func newFloor(b *testing.B, pfx string) *floor {
	pool, err := ipam.NewPool(netip.MustParsePrefix(pfx))
	if err != nil {
		b.Fatal(err)
	}
	return &floor{pool: pool, owners: map[floorKey]floorRecord{}}
}

// observe is the floor of an Observed event for a new owner: what no
// allocator that takes its input from an API server can skip. It checks
// the names (a bad one must be refused before anything changes), looks
// the owner up (a known owner is handled otherwise: its addresses are
// kept), takes the next address from the pool, inserts the owner's record
// and hands out the one write a new owner needs, its addresses for its
// status, in a slice of their own; nothing else. Everything the machine
// does on top (its record with conditions, the messages, the three other
// effects and the Ready condition) is what the ratio measures.
//
// insertOnly keeps the pool allocation and the insert alone: the floor
// the closing note of issue 17 first measured against, still reported as
// x-insert so that the two can be told apart.
func (f *floor) observe(ev ipam.Event) {
	o := ev.(ipam.Observed)
	k := floorKey{o.Owner.Namespace, o.Owner.Name}
	if !f.insertOnly {
		if k8sname.Label(k.namespace) != "" || k8sname.Subdomain(k.name) != "" || o.Owner.UID == "" {
			panic("invalid owner")
		}
		if _, held := f.owners[k]; held {
			panic("owner held already")
		}
	}
	a, err := f.pool.AllocateNext()
	if err != nil {
		panic(err)
	}
	f.owners[k] = floorRecord{uid: o.Owner.UID, addr: a}
	if !f.insertOnly {
		f.effects = append(f.effects[:0], ipam.Effect{Kind: ipam.WriteStatus, Owner: o.Owner, Addresses: []netip.Addr{a}})
	}
}

// forget undoes observe, untimed.
func (f *floor) forget(o ipam.Owner) {
	k := floorKey{o.Namespace, o.Name}
	if err := f.pool.Release(f.owners[k].addr); err != nil {
		panic(err)
	}
	delete(f.owners, k)
}

// BenchmarkObserveNewOwner observes new owners on a synced machine that
// holds 10,000 others; every 1,000 owners the newest are deleted, with the
// timer stopped, so that the machine stays the same size, as a cluster
// with churn does. The events are built (and boxed as Events) before the
// timer starts: building them is the caller's cost, not the machine's.
//
// baseline runs floor.observe on the same owners over a pool and a table
// in the same state (10,000 resident, the same prefix, the same
// next-fit cursor); machine runs the machine, and after each batch of
// 1,000, with b's timer stopped, the baseline's batch, each going first in
// every other batch, and reports its time as a multiple of the baseline's:
// x-baseline is the median over batches of the two times' ratio, total-x
// the ratio of the totals (which one preempted baseline batch can move),
// x-insert the median ratio to the insert-only floor.
//
// Where the machine's time goes (CPU profile, issue 17), about 270 ns
// against the floor's 100: the lookup, insert and checks it shares with
// the floor; a quarter in the two conditions (Allocated and Ready) and
// their SetCondition effects, 248 bytes each; a tenth in the Allocated
// message (formatting the address, one allocation); the Notify effect;
// and the address slice the effects share (the second allocation). What
// brought it from 7x the insert-only floor to 4.5x: records of deleted
// owners are reused (Machine.spare: no 512-byte record per owner, and a
// fifth of the garbage), conditions are kept by type in a third less
// room (cond) and found by index, and Ready's DependencyPending message
// no longer repeats the addresses (one formatted message, not two).
func BenchmarkObserveNewOwner(b *testing.B) {
	const resident, batch = 10_000, 1_000
	const prefix = "242.0.0.0/8"
	owners := benchOwners(resident + batch)
	fresh := make([]ipam.Event, batch)
	for i, o := range owners[resident:] {
		fresh[i] = ipam.Observed{Owner: o, Want: 1, DependsOn: true, At: benchAt}
	}
	newBaseline := func(insertOnly bool) *floor {
		f := newFloor(b, prefix)
		f.insertOnly = insertOnly
		for _, o := range owners[:resident] {
			f.observe(ipam.Observed{Owner: o, Want: 1, DependsOn: true, At: benchAt})
		}
		return f
	}
	// baselineRun observes count owners of the batch from the i-th on,
	// forgetting the batch first when it starts over, with b's timer
	// stopped if it runs, and returns the time the observes took.
	baselineRun := func(b *testing.B, f *floor, i, count int, timed bool) time.Duration {
		var d time.Duration
		for count > 0 {
			if i%batch == 0 && i > 0 {
				if timed {
					b.StopTimer()
				}
				for _, o := range owners[resident:] {
					f.forget(o)
				}
				if timed {
					b.StartTimer()
				}
			}
			k := min(count, batch-i%batch)
			start := time.Now()
			for j := range k {
				f.observe(fresh[(i+j)%batch])
			}
			d += time.Since(start)
			i, count = i+k, count-k
		}
		return d
	}
	b.Run("baseline", func(b *testing.B) {
		f := newBaseline(false)
		b.ReportAllocs()
		b.ResetTimer()
		baselineRun(b, f, 0, b.N, true)
	})
	b.Run("machine", func(b *testing.B) {
		m, err := ipam.New(ipam.Config{Prefixes: []netip.Prefix{netip.MustParsePrefix(prefix)}})
		if err != nil {
			b.Fatal(err)
		}
		m.Step(ipam.Synced{At: benchAt})
		for _, o := range owners[:resident] {
			if _, err := m.Step(ipam.Observed{Owner: o, Want: 1, DependsOn: true, At: benchAt}); err != nil {
				b.Fatal(err)
			}
		}
		f, fi := newBaseline(false), newBaseline(true)
		var buf []ipam.Effect
		var d, bd time.Duration
		var ratios, insertRatios []float64
		b.ReportAllocs()
		b.ResetTimer()
		for done := 0; done < b.N; {
			if done%batch == 0 && done > 0 {
				b.StopTimer()
				for _, o := range owners[resident:] {
					if _, err := m.Step(ipam.Deleted{Owner: o, At: benchAt}); err != nil {
						b.Fatal(err)
					}
				}
				b.StartTimer()
			}
			k := min(b.N-done, batch-done%batch)
			machine := func() time.Duration {
				start := time.Now()
				for j := range k {
					buf, err = m.AppendStep(buf[:0], fresh[(done+j)%batch])
					if err != nil || buf[0].Kind != ipam.WriteStatus {
						b.Fatalf("%v %v", buf, err)
					}
				}
				return time.Since(start)
			}
			var ik time.Duration
			baseline := func() time.Duration {
				b.StopTimer()
				defer b.StartTimer()
				ik = baselineRun(b, fi, done, k, false)
				return baselineRun(b, f, done, k, false)
			}
			// Each goes first in every other batch: neither always finds
			// the caches as the other left them.
			var dk, bk time.Duration
			if done/batch%2 == 0 {
				dk = machine()
				bk = baseline()
			} else {
				bk = baseline()
				dk = machine()
			}
			d, bd = d+dk, bd+bk
			if k >= batch/10 {
				ratios = append(ratios, dk.Seconds()/bk.Seconds())
				insertRatios = append(insertRatios, dk.Seconds()/ik.Seconds())
			}
			done += k
		}
		b.StopTimer()
		total := d.Seconds() / bd.Seconds()
		b.ReportMetric(median(ratios, total), "x-baseline")
		b.ReportMetric(total, "total-x")
		b.ReportMetric(median(insertRatios, 0), "x-insert")
		b.ReportMetric(3, "x-target") // issue 17, with at most 3 allocs
	})
}

// median returns the median of xs, or def if there are none. The median of
// per-batch ratios is what x-baseline reports: a preemption that lands in
// one part of one batch (a few milliseconds, on a shared machine, against
// a baseline batch of about 60 µs) moves a ratio of totals, not a median.
func median(xs []float64, def float64) float64 {
	if len(xs) == 0 {
		return def
	}
	slices.Sort(xs)
	if n := len(xs); n%2 == 0 {
		return (xs[n/2-1] + xs[n/2]) / 2
	}
	return xs[len(xs)/2]
}

// BenchmarkRecover100k rebuilds a machine from 100,000 owners whose
// statuses record one address each, then Synced. Its baseline is the least
// recovery cannot avoid on the same owners: a fresh pool and owner table,
// and per owner one Pool.Allocate of the recorded address and one map
// insert of its record. Each iteration runs the baseline, b's timer
// stopped, then the machine; x-baseline is the ratio of their totals.
func BenchmarkRecover100k(b *testing.B) {
	const n = 100_000
	const prefix = "242.0.0.0/8"
	owners := benchOwners(n)
	events := make([]ipam.Event, 0, n+1)
	recorded := make([]netip.Addr, n)
	a := netip.MustParseAddr("242.0.0.1")
	// What a status written by the machine records.
	allocated := []metav1.Condition{{Type: ipam.ConditionAllocated, Status: metav1.ConditionTrue,
		Reason: ipam.ReasonAllocated, LastTransitionTime: metav1.NewTime(benchAt)}}
	for i, o := range owners {
		recorded[i] = a
		events = append(events, ipam.Observed{Owner: o, Want: 1, DependsOn: true, At: benchAt,
			Status: ipam.Status{Addresses: []netip.Addr{a}, Conditions: allocated}})
		a = a.Next()
	}
	events = append(events, ipam.Synced{At: benchAt})
	baseline := func() time.Duration {
		start := time.Now()
		f := newFloor(b, prefix)
		for i, ev := range events[:n] {
			o := ev.(ipam.Observed)
			if err := f.pool.Allocate(recorded[i]); err != nil {
				b.Fatal(err)
			}
			f.owners[floorKey{o.Owner.Namespace, o.Owner.Name}] = floorRecord{uid: o.Owner.UID, addr: recorded[i]}
		}
		return time.Since(start)
	}
	// The effects buffer is the caller's, reused as an adapter reuses
	// it: sized before the timer starts (a recovery appends fewer than 4
	// effects per owner), so that every iteration measures the machine
	// alone whatever b.N is.
	buf := make([]ipam.Effect, 0, 4*n)
	var d, bd time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		// Each part starts from a collected heap, so that neither pays
		// for the other's garbage.
		b.StopTimer()
		runtime.GC()
		bd += baseline()
		runtime.GC()
		b.StartTimer()
		start := time.Now()
		m, _ := ipam.New(ipam.Config{Prefixes: []netip.Prefix{netip.MustParsePrefix(prefix)}})
		for _, ev := range events {
			var err error
			if buf, err = m.AppendStep(buf[:0], ev); err != nil {
				b.Fatal(err)
			}
		}
		d += time.Since(start)
	}
	b.StopTimer()
	b.ReportMetric(d.Seconds()/bd.Seconds(), "x-baseline")
}
