package ipam_test

import (
	"errors"
	"net/netip"
	"slices"
	"testing"

	"github.com/meshstate/meshstate/ipam"
)

// FuzzNewPool feeds NewPool prefixes parsed from arbitrary text, and one
// built from arbitrary address bytes and length (so unmasked, 4in6 and
// out-of-range lengths reach it, which text mostly would not). NewPool must
// never panic, must accept exactly the sets an independent check accepts,
// and an accepted pool must have the size its prefixes promise.
func FuzzNewPool(f *testing.F) {
	for _, seed := range []struct {
		a, b string
		raw  []byte
		bits int
	}{
		{"10.0.0.0/24", "fd00::/120", []byte{192, 168, 0, 0}, 30},
		{"10.0.0.0/8", "", nil, 0},
		{"10.0.0.0/7", "", nil, 0},
		{"fd00::/64", "fd00::/104", nil, 0},
		{"10.0.0.1/24", "10.0.0.0/25", nil, 0},
		{"10.0.0.0/31", "10.0.0.2/32", []byte{10, 0, 0, 3}, 32},
		{"::ffff:10.0.0.0/120", "fe80::%eth0/120", nil, 0},
		{"", "", []byte{10, 0, 0, 1}, 24},
		{"", "", []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 0}, 120},
		{"", "", []byte{0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 129},
		{"", "", []byte{10, 0, 0, 0}, -1},
		{"0.0.0.0/0", "::/0", []byte{}, 0},
	} {
		f.Add(seed.a, seed.b, seed.raw, seed.bits)
	}
	f.Fuzz(func(t *testing.T, a, b string, raw []byte, bits int) {
		var prefixes []netip.Prefix
		for _, s := range []string{a, b} {
			if pfx, err := netip.ParsePrefix(s); err == nil {
				prefixes = append(prefixes, pfx)
			}
		}
		if addr, ok := netip.AddrFromSlice(raw); ok {
			prefixes = append(prefixes, netip.PrefixFrom(addr, bits))
		}
		p, err := ipam.NewPool(prefixes...)
		size, why := poolExpect(prefixes)
		if err != nil {
			if p != nil {
				t.Fatal("NewPool returned a pool and an error")
			}
			if !errors.Is(err, why) {
				t.Fatalf("NewPool(%v) = %v, want %v", prefixes, err, why)
			}
			_ = err.Error()
			return
		}
		if why != nil {
			t.Fatalf("NewPool(%v) accepted; want %v", prefixes, why)
		}
		if p.Size() != size || p.Free() != size {
			t.Fatalf("NewPool(%v): Size %d, Free %d; want %d", prefixes, p.Size(), p.Free(), size)
		}
		want := slices.Clone(prefixes)
		slices.SortFunc(want, ipam.ComparePrefixes)
		if !slices.Equal(p.Prefixes(), want) {
			t.Fatalf("Prefixes() = %v, want %v", p.Prefixes(), want)
		}
		first, err := p.AllocateNext()
		if err != nil || !want[0].Contains(first) || !p.IsAllocated(first) || p.Free() != size-1 {
			t.Fatalf("AllocateNext = %v, %v; Free %d of %d", first, err, p.Free(), size)
		}
	})
}

// poolExpect returns the usable size of prefixes, or the sentinel NewPool
// must refuse them with, decided without the pool's code.
func poolExpect(prefixes []netip.Prefix) (int, error) {
	if len(prefixes) == 0 {
		return 0, ipam.ErrInvalidPrefix
	}
	for _, p := range prefixes {
		if !p.IsValid() || p.Masked() != p || p.Addr().Is4In6() || p.Addr().Zone() != "" {
			return 0, ipam.ErrInvalidPrefix
		}
	}
	size := 0
	for _, p := range prefixes {
		host := p.Addr().BitLen() - p.Bits()
		if host > 24 {
			return 0, ipam.ErrPoolTooLarge
		}
		n := 1 << host
		if p.Addr().Is4() && host >= 2 {
			n -= 2
		}
		size += n
	}
	for i, p := range prefixes {
		for _, q := range prefixes[i+1:] {
			if p.Overlaps(q) {
				return 0, ipam.ErrOverlappingPrefixes
			}
		}
	}
	if size > ipam.PoolMaxSize {
		return 0, ipam.ErrPoolTooLarge
	}
	return size, nil
}

// poolFuzzPool returns the pool FuzzUnmarshalBinary restores into, with a
// few addresses allocated.
func poolFuzzPool(t poolTB) *ipam.Pool {
	p, err := ipam.NewPool(poolPrefixes(t, "fd00::/120", "10.0.0.0/26", "10.0.0.64/31")...)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"10.0.0.1", "10.0.0.2", "10.0.0.62", "10.0.0.64", "fd00::", "fd00::ff"} {
		if err := p.Allocate(poolA(s)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := p.AllocateRange(3); err != nil {
		t.Fatal(err)
	}
	return p
}

// FuzzUnmarshalBinary restores arbitrary bytes into a pool. It must never
// panic; on error, which wraps ErrInvalidSnapshot, the pool is unchanged;
// on success the pool re-marshals to the very same bytes (the encoding is
// canonical) and its counts agree.
func FuzzUnmarshalBinary(f *testing.F) {
	p := poolFuzzPool(f)
	valid := poolSnapshot(f, p)
	f.Add(valid)
	for n := range len(valid) {
		f.Add(valid[:n])
	}
	f.Add(append(slices.Clone(valid), 0))
	for _, mod := range []func(b []byte){
		func(b []byte) { b[0] = 2 },                           // version
		func(b []byte) { b[1] = 2 },                           // prefix count
		func(b []byte) { b[2] = 5 },                           // family
		func(b []byte) { b[7] = 25 },                          // prefix length
		func(b []byte) { b[len(b)-1] = 0 },                    // empty run
		func(b []byte) { b[len(b)-1] = 0xff },                 // unterminated uvarint
		func(b []byte) { b[len(b)-2] = 0 },                    // gap 0 between runs
		func(b []byte) { b[len(b)-1] = 120 },                  // run past the end
		func(b []byte) { b[len(b)-2], b[len(b)-1] = 0x80, 0 }, // non-minimal
	} {
		b := slices.Clone(valid)
		mod(b)
		f.Add(b)
	}
	empty := poolFuzzPool(f)
	full := poolFuzzPool(f)
	for _, a := range slices.Collect(empty.Allocated()) {
		_ = empty.Release(a)
	}
	for full.Free() > 0 {
		_, _ = full.AllocateNext()
	}
	f.Add(poolSnapshot(f, empty))
	f.Add(poolSnapshot(f, full))
	f.Add([]byte{})
	f.Add([]byte{1, 0, 0, 0})

	f.Fuzz(func(t *testing.T, data []byte) {
		p := poolFuzzPool(t)
		before := poolSnapshot(t, p)
		free := p.Free()
		if err := p.UnmarshalBinary(data); err != nil {
			if !errors.Is(err, ipam.ErrInvalidSnapshot) {
				t.Fatalf("UnmarshalBinary(%x) = %v, which does not wrap ErrInvalidSnapshot", data, err)
			}
			if after := poolSnapshot(t, p); !slices.Equal(before, after) || p.Free() != free {
				t.Fatalf("UnmarshalBinary(%x) failed (%v) but changed the pool", data, err)
			}
			return
		}
		if after := poolSnapshot(t, p); !slices.Equal(data, after) {
			t.Fatalf("UnmarshalBinary(%x) succeeded, and the pool re-marshals as %x", data, after)
		}
		allocated := 0
		for a := range p.Allocated() {
			if !p.Contains(a) || !p.IsAllocated(a) {
				t.Fatalf("allocated address %v is not usable or not allocated", a)
			}
			allocated++
		}
		if p.Free()+allocated != p.Size() {
			t.Fatalf("Free %d + allocated %d != Size %d", p.Free(), allocated, p.Size())
		}
		// The restored pool works: it hands out what is free, or is full.
		if a, err := p.AllocateNext(); err == nil && (allocated == p.Size() || !p.IsAllocated(a)) ||
			err != nil && (err != ipam.ErrPoolFull || allocated != p.Size()) {
			t.Fatalf("AllocateNext after restore = %v, %v", a, err)
		}
	})
}
