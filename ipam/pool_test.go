package ipam_test

import (
	"errors"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/meshstate/meshstate/ipam"
)

// poolTB is what the helpers need of a *testing.T or a *rapid.T.
type poolTB interface {
	Helper()
	Fatal(args ...any)
}

// poolPrefixes parses prefixes, failing the test on a typo.
func poolPrefixes(t poolTB, ss ...string) []netip.Prefix {
	t.Helper()
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = p
	}
	return out
}

// poolNew returns a pool over the prefixes, failing the test on error.
func poolNew(t testing.TB, ss ...string) *ipam.Pool {
	t.Helper()
	p, err := ipam.NewPool(poolPrefixes(t, ss...)...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var poolA = netip.MustParseAddr

func TestPoolNewRefuses(t *testing.T) {
	for _, tc := range []struct {
		name     string
		prefixes []netip.Prefix
		want     error
		msg      string // a part of the message
	}{
		{"none", nil, ipam.ErrInvalidPrefix, "no prefixes"},
		{"zero prefix", []netip.Prefix{{}}, ipam.ErrInvalidPrefix, ""},
		{"length past the address", []netip.Prefix{netip.PrefixFrom(poolA("10.0.0.0"), 33)}, ipam.ErrInvalidPrefix, ""},
		{"negative length", []netip.Prefix{netip.PrefixFrom(poolA("10.0.0.0"), -1)}, ipam.ErrInvalidPrefix, ""},
		{"host bits, IPv4", poolPrefixes(t, "10.0.0.1/24"), ipam.ErrInvalidPrefix, "10.0.0.0/24"},
		{"host bits, IPv6", poolPrefixes(t, "fd00::1/120"), ipam.ErrInvalidPrefix, "fd00::/120"},
		{"4in6", poolPrefixes(t, "::ffff:10.0.0.0/120"), ipam.ErrInvalidPrefix, "10.0.0.0/24"},
		{"4in6 /96", poolPrefixes(t, "::ffff:0.0.0.0/104"), ipam.ErrInvalidPrefix, "IPv4-mapped"},
		{"one valid, one not", poolPrefixes(t, "10.0.0.0/24", "10.0.1.1/24"), ipam.ErrInvalidPrefix, ""},
		{"duplicate", poolPrefixes(t, "10.0.0.0/24", "10.0.0.0/24"), ipam.ErrOverlappingPrefixes, ""},
		{"nested", poolPrefixes(t, "10.0.0.128/25", "10.0.0.0/24"), ipam.ErrOverlappingPrefixes, "10.0.0.0/24 and 10.0.0.128/25"},
		{"nested, not neighbours", poolPrefixes(t, "10.0.0.0/16", "10.0.200.0/24", "10.0.1.0/24"), ipam.ErrOverlappingPrefixes, ""},
		{"nested IPv6", poolPrefixes(t, "fd00::/112", "fd00::100/120"), ipam.ErrOverlappingPrefixes, ""},
		{"IPv4 /7", poolPrefixes(t, "10.0.0.0/7"), ipam.ErrPoolTooLarge, "/8 or longer"},
		{"IPv4 /0", poolPrefixes(t, "0.0.0.0/0"), ipam.ErrPoolTooLarge, "2^32"},
		{"IPv6 /64", poolPrefixes(t, "fd00::/64"), ipam.ErrPoolTooLarge, "/104 or longer"},
		{"IPv6 /0", poolPrefixes(t, "::/0"), ipam.ErrPoolTooLarge, "2^128"},
		{"IPv6 /103", poolPrefixes(t, "fd00::/103"), ipam.ErrPoolTooLarge, "2^24"},
		{"together", poolPrefixes(t, "10.0.0.0/8", "11.0.0.0/29"), ipam.ErrPoolTooLarge, "16777220"},
		{"together, mixed", poolPrefixes(t, "fd00::/104", "10.0.0.0/32"), ipam.ErrPoolTooLarge, "16777217"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ipam.NewPool(tc.prefixes...)
			if !errors.Is(err, tc.want) || p != nil {
				t.Fatalf("NewPool(%v) = %v, %v; want nil, %v", tc.prefixes, p, err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q does not say %q", err, tc.msg)
			}
		})
	}
}

// netip cannot hold a zoned prefix: ParsePrefix refuses one and PrefixFrom
// drops the zone, so the zone never reaches NewPool (which would refuse
// it). A zoned address is never a usable address of a pool.
func TestPoolZones(t *testing.T) {
	if _, err := netip.ParsePrefix("fe80::%eth0/120"); err == nil {
		t.Fatal("netip.ParsePrefix accepts a zoned prefix")
	}
	if pfx := netip.PrefixFrom(poolA("fe80::%eth0"), 120); pfx.Addr().Zone() != "" {
		t.Fatalf("netip.PrefixFrom keeps the zone: %v", pfx)
	}
	p := poolNew(t, "fe80::/120")
	zoned := poolA("fe80::1%eth0")
	if p.Contains(zoned) || !errors.Is(p.Allocate(zoned), ipam.ErrOutOfRange) {
		t.Fatal("a zoned address is usable")
	}
}

func TestPoolSizes(t *testing.T) {
	for _, tc := range []struct {
		prefixes []string
		size     int
		first    string // the first address AllocateNext hands out
		last     string // the last usable address
	}{
		{[]string{"10.0.0.7/32"}, 1, "10.0.0.7", "10.0.0.7"},
		{[]string{"10.0.0.6/31"}, 2, "10.0.0.6", "10.0.0.7"},
		{[]string{"10.0.0.4/30"}, 2, "10.0.0.5", "10.0.0.6"},
		{[]string{"10.0.0.0/24"}, 254, "10.0.0.1", "10.0.0.254"},
		{[]string{"10.0.0.0/8"}, 1<<24 - 2, "10.0.0.1", "10.255.255.254"},
		{[]string{"fd00::/128"}, 1, "fd00::", "fd00::"},
		{[]string{"fd00::/120"}, 256, "fd00::", "fd00::ff"},
		{[]string{"fd00::/104"}, 1 << 24, "fd00::", "fd00::ff:ffff"},
		{[]string{"fd00::/120", "192.168.0.0/30", "10.0.0.0/24"}, 256 + 2 + 254, "10.0.0.1", "fd00::ff"},
		{[]string{"10.0.0.0/9", "10.128.0.0/9"}, 1<<24 - 4, "10.0.0.1", "10.255.255.254"},
	} {
		p := poolNew(t, tc.prefixes...)
		if p.Size() != tc.size || p.Free() != tc.size {
			t.Errorf("%v: Size %d, Free %d; want %d", tc.prefixes, p.Size(), p.Free(), tc.size)
		}
		if a, err := p.AllocateNext(); err != nil || a != poolA(tc.first) {
			t.Errorf("%v: AllocateNext = %v, %v; want %s", tc.prefixes, a, err, tc.first)
		}
		if !p.Contains(poolA(tc.last)) || !p.Contains(poolA(tc.first)) {
			t.Errorf("%v: %s or %s not usable", tc.prefixes, tc.first, tc.last)
		}
		if p.Free() != tc.size-1 {
			t.Errorf("%v: Free %d after one allocation", tc.prefixes, p.Free())
		}
	}
}

func TestPoolNetworkAndBroadcast(t *testing.T) {
	p := poolNew(t, "10.0.0.0/24", "10.0.1.0/31", "10.0.1.2/32", "10.0.1.4/30")
	for _, s := range []string{"10.0.0.0", "10.0.0.255", "10.0.1.4", "10.0.1.7"} {
		a := poolA(s)
		if p.Contains(a) || p.IsAllocated(a) {
			t.Errorf("%s is usable", s)
		}
		if err := p.Allocate(a); err != ipam.ErrOutOfRange {
			t.Errorf("Allocate(%s) = %v, want ErrOutOfRange", s, err)
		}
		if err := p.Release(a); err != ipam.ErrOutOfRange {
			t.Errorf("Release(%s) = %v, want ErrOutOfRange", s, err)
		}
		if err := p.AllocateRangeAt(a, 1); !errors.Is(err, ipam.ErrOutOfRange) {
			t.Errorf("AllocateRangeAt(%s, 1) = %v, want ErrOutOfRange", s, err)
		}
	}
	// RFC 3021: every address of a /31 or /32 is usable.
	for _, s := range []string{"10.0.1.0", "10.0.1.1", "10.0.1.2", "10.0.1.5", "10.0.1.6", "10.0.0.1", "10.0.0.254"} {
		if err := p.Allocate(poolA(s)); err != nil {
			t.Errorf("Allocate(%s) = %v", s, err)
		}
	}
	// Nothing AllocateNext hands out is a network or broadcast address.
	for {
		a, err := p.AllocateNext()
		if err != nil {
			if err != ipam.ErrPoolFull {
				t.Fatalf("AllocateNext = %v, want bare ErrPoolFull", err)
			}
			break
		}
		if a == poolA("10.0.0.0") || a == poolA("10.0.0.255") || a == poolA("10.0.1.4") || a == poolA("10.0.1.7") {
			t.Fatalf("AllocateNext handed out %v", a)
		}
	}
	if p.Free() != 0 || p.Size() != 254+2+1+2 {
		t.Fatalf("full pool: Free %d, Size %d", p.Free(), p.Size())
	}
}

func TestPoolAddressErrors(t *testing.T) {
	p := poolNew(t, "10.0.0.0/30", "fd00::/127")
	if err := p.Allocate(poolA("10.0.0.1")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		op   func() error
		want error
	}{
		{"double allocate", func() error { return p.Allocate(poolA("10.0.0.1")) }, ipam.ErrAllocated},
		{"release of free", func() error { return p.Release(poolA("10.0.0.2")) }, ipam.ErrNotAllocated},
		{"release of free IPv6", func() error { return p.Release(poolA("fd00::1")) }, ipam.ErrNotAllocated},
		{"allocate outside", func() error { return p.Allocate(poolA("10.0.0.4")) }, ipam.ErrOutOfRange},
		{"allocate outside IPv6", func() error { return p.Allocate(poolA("fd00::2")) }, ipam.ErrOutOfRange},
		{"release outside", func() error { return p.Release(poolA("192.0.2.1")) }, ipam.ErrOutOfRange},
		{"zero address", func() error { return p.Allocate(netip.Addr{}) }, ipam.ErrOutOfRange},
		{"4in6 of a usable IPv4", func() error { return p.Allocate(poolA("::ffff:10.0.0.2")) }, ipam.ErrOutOfRange},
		{"4in6 release", func() error { return p.Release(poolA("::ffff:10.0.0.1")) }, ipam.ErrOutOfRange},
		{"zoned", func() error { return p.Allocate(poolA("fd00::1%eth0")) }, ipam.ErrOutOfRange},
		{"IPv6 below every prefix", func() error { return p.Allocate(poolA("::1")) }, ipam.ErrOutOfRange},
	} {
		before := poolSnapshot(t, p)
		// Bare sentinels: the per-address methods do not allocate an
		// error, so == works as well as errors.Is.
		if err := tc.op(); err != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
		if after := poolSnapshot(t, p); !slices.Equal(before, after) {
			t.Errorf("%s: the failed call changed the pool", tc.name)
		}
	}
	if !p.IsAllocated(poolA("10.0.0.1")) || p.IsAllocated(poolA("::ffff:10.0.0.1")) {
		t.Fatal("IsAllocated is wrong")
	}
}

// poolSnapshot returns p's snapshot, failing the test on error.
func poolSnapshot(t testing.TB, p *ipam.Pool) []byte {
	t.Helper()
	b, err := p.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPoolFull(t *testing.T) {
	p := poolNew(t, "10.0.0.0/30")
	for range 2 {
		if _, err := p.AllocateNext(); err != nil {
			t.Fatal(err)
		}
	}
	if a, err := p.AllocateNext(); err != ipam.ErrPoolFull || a.IsValid() {
		t.Fatalf("AllocateNext on a full pool = %v, %v", a, err)
	}
	if _, err := p.AllocateRange(1); !errors.Is(err, ipam.ErrPoolFull) {
		t.Fatalf("AllocateRange(1) on a full pool = %v", err)
	}
	if err := p.Release(poolA("10.0.0.1")); err != nil {
		t.Fatal(err)
	}
	if a, err := p.AllocateNext(); err != nil || a != poolA("10.0.0.1") {
		t.Fatalf("AllocateNext = %v, %v; want the one free address", a, err)
	}
}

func TestPoolZeroValue(t *testing.T) {
	var p ipam.Pool
	if p.Size() != 0 || p.Free() != 0 || len(p.Prefixes()) != 0 || len(p.Stats()) != 0 {
		t.Fatal("the zero pool is not empty")
	}
	if _, err := p.AllocateNext(); err != ipam.ErrPoolFull {
		t.Fatalf("AllocateNext = %v", err)
	}
	if _, err := p.AllocateRange(1); !errors.Is(err, ipam.ErrPoolFull) {
		t.Fatalf("AllocateRange = %v", err)
	}
	if err := p.Allocate(poolA("10.0.0.1")); err != ipam.ErrOutOfRange {
		t.Fatalf("Allocate = %v", err)
	}
	if err := p.AllocateRangeAt(poolA("10.0.0.1"), 2); !errors.Is(err, ipam.ErrOutOfRange) {
		t.Fatalf("AllocateRangeAt = %v", err)
	}
	b := poolSnapshot(t, &p)
	if err := p.UnmarshalBinary(b); err != nil {
		t.Fatalf("UnmarshalBinary(%x) = %v", b, err)
	}
	if err := p.UnmarshalBinary(poolSnapshot(t, poolNew(t, "10.0.0.0/30"))); !errors.Is(err, ipam.ErrInvalidSnapshot) {
		t.Fatalf("UnmarshalBinary of another pool's snapshot = %v", err)
	}
	for range p.Allocated() {
		t.Fatal("the zero pool has an allocated address")
	}
	_ = p.Clone()
}

func TestPoolNextFit(t *testing.T) {
	p := poolNew(t, "10.0.0.0/29") // .1 to .6
	next := func(want string) {
		t.Helper()
		if a, err := p.AllocateNext(); err != nil || a != poolA(want) {
			t.Fatalf("AllocateNext = %v, %v; want %s", a, err, want)
		}
	}
	next("10.0.0.1")
	next("10.0.0.2")
	next("10.0.0.3")
	if err := p.Release(poolA("10.0.0.2")); err != nil {
		t.Fatal(err)
	}
	// Not .2, released a moment ago: the cursor is past it.
	next("10.0.0.4")
	if err := p.Allocate(poolA("10.0.0.5")); err != nil { // does not move the cursor
		t.Fatal(err)
	}
	next("10.0.0.6")
	// Wrapped around: .2 is the only free address left.
	next("10.0.0.2")
	if err := p.Release(poolA("10.0.0.1")); err != nil {
		t.Fatal(err)
	}
	next("10.0.0.1")
}

func TestPoolNextFitAcrossPrefixes(t *testing.T) {
	p := poolNew(t, "fd00::/127", "10.0.0.2/31", "10.0.0.0/31")
	var got []string
	for range 6 {
		a, err := p.AllocateNext()
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, a.String())
	}
	want := []string{"10.0.0.0", "10.0.0.1", "10.0.0.2", "10.0.0.3", "fd00::", "fd00::1"}
	if !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
	if got := p.Prefixes(); !slices.Equal(got, poolPrefixes(t, "10.0.0.0/31", "10.0.0.2/31", "fd00::/127")) {
		t.Fatalf("Prefixes() = %v", got)
	}
}

func TestPoolRanges(t *testing.T) {
	// Two adjacent /31s: 10.0.0.0 to .3 are contiguous addresses, but a
	// run never crosses from one prefix into the next.
	p := poolNew(t, "10.0.0.0/31", "10.0.0.2/31", "10.0.1.0/29")
	for _, tc := range []struct {
		name string
		op   func() error
		want error
	}{
		{"count 0", func() error { _, err := p.AllocateRange(0); return err }, ipam.ErrInvalidCount},
		{"count -1", func() error { _, err := p.AllocateRange(-1); return err }, ipam.ErrInvalidCount},
		{"at, count 0", func() error { return p.AllocateRangeAt(poolA("10.0.1.1"), 0) }, ipam.ErrInvalidCount},
		{"release, count 0", func() error { return p.ReleaseRange(poolA("10.0.1.1"), 0) }, ipam.ErrInvalidCount},
		{"longer than any prefix", func() error { _, err := p.AllocateRange(7); return err }, ipam.ErrPoolFull},
		{"longer than the pool", func() error { _, err := p.AllocateRange(11); return err }, ipam.ErrPoolFull},
		{"at, across prefixes", func() error { return p.AllocateRangeAt(poolA("10.0.0.1"), 2) }, ipam.ErrOutOfRange},
		{"at, past the broadcast", func() error { return p.AllocateRangeAt(poolA("10.0.1.5"), 3) }, ipam.ErrOutOfRange},
		{"at, from the network address", func() error { return p.AllocateRangeAt(poolA("10.0.1.0"), 2) }, ipam.ErrOutOfRange},
		{"at, outside", func() error { return p.AllocateRangeAt(poolA("10.0.2.1"), 1) }, ipam.ErrOutOfRange},
		{"release, across prefixes", func() error { return p.ReleaseRange(poolA("10.0.0.1"), 2) }, ipam.ErrOutOfRange},
		{"release of free", func() error { return p.ReleaseRange(poolA("10.0.1.1"), 2) }, ipam.ErrNotAllocated},
	} {
		before := poolSnapshot(t, p)
		if err := tc.op(); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
		if after := poolSnapshot(t, p); !slices.Equal(before, after) {
			t.Errorf("%s: the failed call changed the pool", tc.name)
		}
	}

	// 10.0.1.1 to .6 free; take .3, so the first run of 3 is .4 to .6.
	if err := p.Allocate(poolA("10.0.1.3")); err != nil {
		t.Fatal(err)
	}
	first, err := p.AllocateRange(3)
	if err != nil || first != poolA("10.0.1.4") {
		t.Fatalf("AllocateRange(3) = %v, %v; want 10.0.1.4", first, err)
	}
	// All or nothing: .1 and .2 are free but .3 is not.
	before := poolSnapshot(t, p)
	if err := p.AllocateRangeAt(poolA("10.0.1.1"), 3); !errors.Is(err, ipam.ErrAllocated) || !strings.Contains(err.Error(), "10.0.1.3") {
		t.Fatalf("AllocateRangeAt over an allocated address = %v", err)
	}
	if err := p.ReleaseRange(poolA("10.0.1.3"), 5); !errors.Is(err, ipam.ErrOutOfRange) {
		t.Fatalf("ReleaseRange past the broadcast = %v", err)
	}
	if err := p.ReleaseRange(poolA("10.0.1.2"), 3); !errors.Is(err, ipam.ErrNotAllocated) || !strings.Contains(err.Error(), "10.0.1.2") {
		t.Fatalf("ReleaseRange over a free address = %v", err)
	}
	if !slices.Equal(before, poolSnapshot(t, p)) {
		t.Fatal("a failed range call changed the pool")
	}
	if err := p.ReleaseRange(poolA("10.0.1.4"), 3); err != nil {
		t.Fatal(err)
	}
	if err := p.AllocateRangeAt(poolA("10.0.1.4"), 3); err != nil {
		t.Fatal(err)
	}
	// The cursor is past .6 (AllocateRangeAt does not move it): wrap to
	// the first prefix.
	if first, err := p.AllocateRange(2); err != nil || first != poolA("10.0.0.0") {
		t.Fatalf("AllocateRange(2) = %v, %v; want 10.0.0.0", first, err)
	}
	if p.Free() != 4 {
		t.Fatalf("Free = %d, want 4", p.Free())
	}
}

func TestPoolLongRuns(t *testing.T) {
	p := poolNew(t, "fd00::/112") // 65536 addresses, 1024 words
	for _, n := range []int{1, 63, 64, 65, 127, 128, 129, 1000, 4096, 60000} {
		first, err := p.AllocateRange(n)
		if err != nil {
			// Only 60000 does not fit after the others.
			if n != 60000 || !errors.Is(err, ipam.ErrPoolFull) {
				t.Fatalf("AllocateRange(%d) = %v", n, err)
			}
			continue
		}
		if err := p.ReleaseRange(first, n); err != nil {
			t.Fatalf("ReleaseRange(%v, %d) = %v", first, n, err)
		}
		if err := p.AllocateRangeAt(first, n); err != nil {
			t.Fatalf("AllocateRangeAt(%v, %d) = %v", first, n, err)
		}
	}
	if used := 1 + 63 + 64 + 65 + 127 + 128 + 129 + 1000 + 4096; p.Free() != 65536-used {
		t.Fatalf("Free = %d, want %d", p.Free(), 65536-used)
	}
	// The runs were handed out back to back from fd00::.
	n := 0
	for a := range p.Allocated() {
		if a != netip.AddrFrom16([16]byte{0: 0xfd, 14: byte(n >> 8), 15: byte(n)}) {
			t.Fatalf("allocated address %d is %v", n, a)
		}
		n++
	}
}

// A pool of 2^20 addresses has four levels of bitmap: every climb and
// descent of the summary is exercised.
func TestPoolDeepSummary(t *testing.T) {
	p := poolNew(t, "fd00::/108")
	size := p.Size()
	for i := range size {
		a, err := p.AllocateNext()
		if err != nil {
			t.Fatalf("AllocateNext %d: %v", i, err)
		}
		if want := poolNth(i); a != want {
			t.Fatalf("AllocateNext %d = %v, want %v", i, a, want)
		}
	}
	if _, err := p.AllocateNext(); err != ipam.ErrPoolFull {
		t.Fatalf("full: %v", err)
	}
	// Free a few far apart, out of order: they come back in address order
	// from the cursor (now 0, having wrapped).
	frees := []int{size - 1, 777_777, 4095, 4096, 262_143, 0, 64}
	for _, i := range frees {
		if err := p.Release(poolNth(i)); err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(frees)
	for _, i := range frees {
		if a, err := p.AllocateNext(); err != nil || a != poolNth(i) {
			t.Fatalf("AllocateNext = %v, %v; want %v", a, err, poolNth(i))
		}
	}
	if p.Free() != 0 {
		t.Fatal("not full")
	}
	// Free a 200-address run in the middle; AllocateRange finds it.
	if err := p.ReleaseRange(poolNth(500_000), 200); err != nil {
		t.Fatal(err)
	}
	if a, err := p.AllocateRange(150); err != nil || a != poolNth(500_000) {
		t.Fatalf("AllocateRange(150) = %v, %v", a, err)
	}
	if a, err := p.AllocateRange(50); err != nil || a != poolNth(500_150) {
		t.Fatalf("AllocateRange(50) = %v, %v", a, err)
	}
}

// poolNth returns fd00::i.
func poolNth(i int) netip.Addr {
	return netip.AddrFrom16([16]byte{0: 0xfd, 13: byte(i >> 16), 14: byte(i >> 8), 15: byte(i)})
}

func TestPoolStats(t *testing.T) {
	p := poolNew(t, "fd00::/126", "10.0.0.0/29")
	for _, s := range []string{"10.0.0.1", "10.0.0.2", "fd00::3"} {
		if err := p.Allocate(poolA(s)); err != nil {
			t.Fatal(err)
		}
	}
	want := []ipam.PrefixStats{
		{Prefix: netip.MustParsePrefix("10.0.0.0/29"), Size: 6, Free: 4, Allocated: 2},
		{Prefix: netip.MustParsePrefix("fd00::/126"), Size: 4, Free: 3, Allocated: 1},
	}
	if got := p.Stats(); !slices.Equal(got, want) {
		t.Fatalf("Stats() = %+v, want %+v", got, want)
	}
	c := p.Clone()
	if err := c.Release(poolA("10.0.0.1")); err != nil {
		t.Fatal(err)
	}
	if got := p.Stats(); !slices.Equal(got, want) {
		t.Fatalf("a change to a clone changed the original: %+v", got)
	}
}

func TestPoolAllocationFree(t *testing.T) {
	p := poolNew(t, "10.0.0.0/16", "fd00::/120")
	if n := testing.AllocsPerRun(1000, func() {
		a, err := p.AllocateNext()
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Release(a); err != nil {
			t.Fatal(err)
		}
		if err := p.Release(a); err != ipam.ErrNotAllocated {
			t.Fatal(err)
		}
		_ = p.IsAllocated(a)
	}); n != 0 {
		t.Fatalf("%v allocations per AllocateNext, Release, failed Release", n)
	}
}
