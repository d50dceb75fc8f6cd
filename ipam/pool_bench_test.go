package ipam_test

// The requirements: an AllocateNext+Release pair costs at most 25 ns and no
// allocation on a /16, /12 or /8 pool at any fill up to 99.9%; a /8 pool
// takes at most 2.5 MiB of heap (heap-B) and 5 ms to build. Run
//
//	go test -run '^$' -bench . -benchmem ./ipam
//
// The pools are filled with a seeded PRNG, address by address, so the free
// addresses are scattered as they are after months of churn, not gathered
// in one block that a linear scan would find at once.

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"runtime"
	"testing"

	"github.com/meshstate/meshstate/ipam"
)

var (
	poolBenchBits  = []int{16, 12, 8}
	poolBenchFills = []float64{0, 50, 90, 99, 99.9}
)

// poolBenchPrefix returns 10.0.0.0/bits.
func poolBenchPrefix(bits int) netip.Prefix {
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 0, 0, 0}), bits)
}

// poolFilled returns a pool over pfx with each usable address allocated
// with probability fill percent, drawn from a PRNG seeded with seed.
func poolFilled(b *testing.B, pfx netip.Prefix, fill float64, seed uint64) *ipam.Pool {
	b.Helper()
	p, err := ipam.NewPool(pfx)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 0))
	for a := pfx.Addr().Next(); p.Contains(a); a = a.Next() {
		if rng.Float64()*100 < fill {
			if err := p.Allocate(a); err != nil {
				b.Fatal(err)
			}
		}
	}
	return p
}

func BenchmarkPoolAllocRelease(b *testing.B) {
	for _, bits := range poolBenchBits {
		for _, fill := range poolBenchFills {
			b.Run(fmt.Sprintf("prefix=/%d/fill=%v", bits, fill), func(b *testing.B) {
				p := poolFilled(b, poolBenchPrefix(bits), fill, 1)
				b.ReportAllocs()
				for b.Loop() {
					a, err := p.AllocateNext()
					if err != nil {
						b.Fatal(err)
					}
					if err := p.Release(a); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkPoolNew builds pools; heap-B is the heap one pool holds, read
// from runtime.MemStats after a GC on either side of NewPool.
func BenchmarkPoolNew(b *testing.B) {
	for _, bits := range poolBenchBits {
		b.Run(fmt.Sprintf("prefix=/%d", bits), func(b *testing.B) {
			pfx := poolBenchPrefix(bits)
			var ms0, ms1 runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&ms0)
			kept, err := ipam.NewPool(pfx)
			if err != nil {
				b.Fatal(err)
			}
			runtime.GC()
			runtime.ReadMemStats(&ms1)
			runtime.KeepAlive(kept)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ipam.NewPool(pfx); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(ms1.HeapAlloc-ms0.HeapAlloc), "heap-B")
		})
	}
}

// BenchmarkPoolAllocateRange allocates and releases runs of 16 on a /12.
// blocks: 90% of the aligned blocks of 16 are allocated, so a tenth of them
// are free runs, scattered. scattered-none-fits: 90% of single addresses
// are, so no run of 16 is free and each call scans the whole pool before
// it returns ErrPoolFull: the worst case.
func BenchmarkPoolAllocateRange(b *testing.B) {
	const n = 16
	pfx := poolBenchPrefix(12)
	b.Run("prefix=/12/fill=90/blocks", func(b *testing.B) {
		p, err := ipam.NewPool(pfx)
		if err != nil {
			b.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(1, 0))
		for first := pfx.Addr().Next(); p.Contains(first); {
			k := 0
			var end netip.Addr
			for end = first; k < n && p.Contains(end); end = end.Next() {
				k++
			}
			if rng.Float64() < 0.9 {
				if err := p.AllocateRangeAt(first, k); err != nil {
					b.Fatal(err)
				}
			}
			first = end
		}
		b.ReportAllocs()
		for b.Loop() {
			first, err := p.AllocateRange(n)
			if err != nil {
				b.Fatal(err)
			}
			if err := p.ReleaseRange(first, n); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("prefix=/12/fill=90/scattered-none-fits", func(b *testing.B) {
		p := poolFilled(b, pfx, 90, 1)
		for b.Loop() {
			if _, err := p.AllocateRange(n); err == nil {
				b.Fatal("a run of 16 fits")
			}
		}
	})
}

// BenchmarkPoolSnapshot marshals and restores a 90%-full /12;
// snapshot-B is the snapshot's size.
func BenchmarkPoolSnapshot(b *testing.B) {
	pfx := poolBenchPrefix(12)
	p := poolFilled(b, pfx, 90, 1)
	snap := poolSnapshot(b, p)
	b.Run("prefix=/12/fill=90/MarshalBinary", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := p.MarshalBinary(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(snap)), "snapshot-B")
	})
	b.Run("prefix=/12/fill=90/UnmarshalBinary", func(b *testing.B) {
		q, err := ipam.NewPool(pfx)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if err := q.UnmarshalBinary(snap); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(snap)), "snapshot-B")
	})
}
