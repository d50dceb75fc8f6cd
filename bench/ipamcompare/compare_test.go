// Package ipamcompare sets meshstate's ipam.Pool beside the Kubernetes
// service IP allocator (k8s.io/kubernetes/pkg/registry/core/service/ipallocator,
// the in-memory bitmap behind ClusterIP allocation) on the same work: an
// AllocateNext and a Release of the address it returned, on /16 and /12
// pools filled to the same addresses. It is a module of its own so that the
// main module does not depend on k8s.io/kubernetes. See README.md.
package ipamcompare_test

import (
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"testing"

	"k8s.io/kubernetes/pkg/registry/core/service/ipallocator"

	"github.com/meshstate/meshstate/ipam"
)

var (
	compareBits  = []int{16, 12}
	compareFills = []float64{0, 50, 90, 99, 99.9}
)

// allocator is what the benchmark needs of either implementation.
type allocator interface {
	allocateNext() (netip.Addr, error)
	allocate(netip.Addr) error
	release(netip.Addr) error
	free() int
}

type meshstatePool struct{ p *ipam.Pool }

func (m meshstatePool) allocateNext() (netip.Addr, error) { return m.p.AllocateNext() }
func (m meshstatePool) allocate(a netip.Addr) error       { return m.p.Allocate(a) }
func (m meshstatePool) release(a netip.Addr) error        { return m.p.Release(a) }
func (m meshstatePool) free() int                         { return m.p.Free() }

// kubernetesRange adapts ipallocator.Range, which speaks net.IP: the
// conversions are part of its cost as a caller holding netip values sees
// it, and cost little beside it.
type kubernetesRange struct{ r *ipallocator.Range }

func (k kubernetesRange) allocateNext() (netip.Addr, error) {
	ip, err := k.r.AllocateNext()
	if err != nil {
		return netip.Addr{}, err
	}
	a, _ := netip.AddrFromSlice(ip)
	return a.Unmap(), nil
}
func (k kubernetesRange) allocate(a netip.Addr) error { return k.r.Allocate(net.IP(a.AsSlice())) }
func (k kubernetesRange) release(a netip.Addr) error  { return k.r.Release(net.IP(a.AsSlice())) }
func (k kubernetesRange) free() int                   { return k.r.Free() }

func newMeshstate(tb testing.TB, pfx netip.Prefix) allocator {
	p, err := ipam.NewPool(pfx)
	if err != nil {
		tb.Fatal(err)
	}
	return meshstatePool{p}
}

func newKubernetes(tb testing.TB, pfx netip.Prefix) allocator {
	_, cidr, err := net.ParseCIDR(pfx.String())
	if err != nil {
		tb.Fatal(err)
	}
	r, err := ipallocator.NewInMemory(cidr)
	if err != nil {
		tb.Fatal(err)
	}
	return kubernetesRange{r}
}

var impls = []struct {
	name string
	new  func(testing.TB, netip.Prefix) allocator
}{
	{"meshstate", newMeshstate},
	{"kubernetes", newKubernetes},
}

// fillSet returns the addresses to allocate to fill pfx to fill percent:
// each usable address (network and broadcast excluded, as both
// implementations exclude them) with that probability, from a PRNG with a
// fixed seed, so the free addresses are scattered and both pools get the
// very same ones.
func fillSet(pfx netip.Prefix, fill float64) []netip.Addr {
	rng := rand.New(rand.NewPCG(1, 0))
	var out []netip.Addr
	last := netip.PrefixFrom(pfx.Addr(), pfx.Bits()).Masked().Addr()
	for range 1<<(32-pfx.Bits()) - 1 {
		last = last.Next()
	}
	for a := pfx.Addr().Next(); a != last; a = a.Next() {
		if rng.Float64()*100 < fill {
			out = append(out, a)
		}
	}
	return out
}

func filled(tb testing.TB, newAlloc func(testing.TB, netip.Prefix) allocator, pfx netip.Prefix, set []netip.Addr) allocator {
	a := newAlloc(tb, pfx)
	for _, addr := range set {
		if err := a.allocate(addr); err != nil {
			tb.Fatalf("allocate %v: %v", addr, err)
		}
	}
	return a
}

func prefix(bits int) netip.Prefix {
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 0, 0, 0}), bits)
}

// BenchmarkAllocRelease: one op is an AllocateNext and a Release of the
// address it returned.
func BenchmarkAllocRelease(b *testing.B) {
	for _, bits := range compareBits {
		pfx := prefix(bits)
		for _, fill := range compareFills {
			set := fillSet(pfx, fill)
			for _, impl := range impls {
				b.Run(fmt.Sprintf("prefix=/%d/fill=%v/impl=%s", bits, fill, impl.name), func(b *testing.B) {
					allocRelease(b, filled(b, impl.new, pfx, set))
				})
			}
		}
	}
}

// BenchmarkAllocReleaseContiguous is BenchmarkAllocRelease with the
// allocated addresses all at the start of the prefix and the free ones at
// its end, as in a pool that has only ever grown: the Kubernetes allocator
// then scans its bitmap linearly from a random start, through most of the
// allocated block, on every AllocateNext.
func BenchmarkAllocReleaseContiguous(b *testing.B) {
	for _, bits := range compareBits {
		pfx := prefix(bits)
		for _, fill := range []float64{90, 99, 99.9} {
			set := fillSet(pfx, 100)
			set = set[:int(float64(len(set))*fill/100)]
			for _, impl := range impls {
				b.Run(fmt.Sprintf("prefix=/%d/fill=%v/impl=%s", bits, fill, impl.name), func(b *testing.B) {
					allocRelease(b, filled(b, impl.new, pfx, set))
				})
			}
		}
	}
}

// allocRelease times AllocateNext and Release pairs. Each implementation is
// called through its own concrete type, so that neither pays for the
// interface the setup uses.
func allocRelease(b *testing.B, a allocator) {
	b.ReportAllocs()
	switch a := a.(type) {
	case meshstatePool:
		for b.Loop() {
			addr, err := a.p.AllocateNext()
			if err != nil {
				b.Fatal(err)
			}
			if err := a.p.Release(addr); err != nil {
				b.Fatal(err)
			}
		}
	case kubernetesRange:
		for b.Loop() {
			addr, err := a.allocateNext()
			if err != nil {
				b.Fatal(err)
			}
			if err := a.release(addr); err != nil {
				b.Fatal(err)
			}
		}
	default:
		b.Fatalf("unknown allocator %T", a)
	}
}

// TestBothWork runs both implementations on a half-full /16, so that plain
// go test compiles and exercises the comparison; it asserts only that both
// work, and agree on how many addresses are free.
func TestBothWork(t *testing.T) {
	pfx := prefix(16)
	set := fillSet(pfx, 50)
	free := -1
	for _, impl := range impls {
		a := filled(t, impl.new, pfx, set)
		if free >= 0 && a.free() != free {
			t.Fatalf("%s: %d free, the other has %d", impl.name, a.free(), free)
		}
		free = a.free()
		for range 1000 {
			addr, err := a.allocateNext()
			if err != nil {
				t.Fatalf("%s: AllocateNext: %v", impl.name, err)
			}
			if !pfx.Contains(addr) {
				t.Fatalf("%s: AllocateNext returned %v, outside %v", impl.name, addr, pfx)
			}
			if err := a.release(addr); err != nil {
				t.Fatalf("%s: Release(%v): %v", impl.name, addr, err)
			}
		}
		if a.free() != free {
			t.Fatalf("%s: %d free after allocate+release pairs, want %d", impl.name, a.free(), free)
		}
	}
}
