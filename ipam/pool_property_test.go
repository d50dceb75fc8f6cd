package ipam_test

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/ipam"
)

// poolModel is the trivial pool the property test holds Pool to: the usable
// addresses listed in the pool's order, one bool each, and the cursor. It
// predicts every result, AllocateNext's and AllocateRange's choices
// included, by plain scanning.
type poolModel struct {
	addrs  []netip.Addr
	prefix []int // the prefix number of each address
	index  map[netip.Addr]int
	alloc  []bool
	used   int
	cursor int
	// Addresses that are not usable: IPv4 network and broadcast
	// addresses, and some outside every prefix.
	outside []netip.Addr
}

// poolCandidates are the prefixes pools are drawn from: pairwise disjoint,
// tiny to middling (8192 addresses: three levels of bitmap), /31 and /32
// among them.
var poolCandidates = []string{
	"10.0.0.0/30", "10.0.0.4/31", "10.0.0.6/32", "10.0.0.64/28",
	"10.0.1.0/26", "10.0.2.0/24",
	"fd00::/126", "fd00::4/127", "fd00::8/128", "fd00:1::/120", "fd00:2::/115",
}

func poolNewModel(prefixes []netip.Prefix) *poolModel {
	m := &poolModel{index: map[netip.Addr]int{}}
	sorted := slices.Clone(prefixes)
	slices.SortFunc(sorted, ipam.ComparePrefixes)
	for k, pfx := range sorted {
		first := pfx.Addr()
		var last netip.Addr
		for a := first; a.IsValid() && pfx.Contains(a); a = a.Next() {
			last = a
		}
		for a := first; a.IsValid() && pfx.Contains(a); a = a.Next() {
			if a.Is4() && pfx.Bits() < 31 && (a == first || a == last) {
				m.outside = append(m.outside, a)
				continue
			}
			m.index[a] = len(m.addrs)
			m.addrs = append(m.addrs, a)
			m.prefix = append(m.prefix, k)
		}
		if a := last.Next(); a.IsValid() && !slices.ContainsFunc(sorted, func(p netip.Prefix) bool { return p.Contains(a) }) {
			m.outside = append(m.outside, a)
		}
	}
	m.outside = append(m.outside, poolA("192.0.2.1"), poolA("2001:db8::1"), netip.Addr{})
	m.alloc = make([]bool, len(m.addrs))
	return m
}

// nextFit returns the index of the first address of the run of n free
// addresses within one prefix that Pool must pick, or -1.
func (m *poolModel) nextFit(n int) int {
	size := len(m.addrs)
	if n == 1 {
		for k := range size {
			if i := (m.cursor + k) % size; !m.alloc[i] {
				return i
			}
		}
		return -1
	}
	// free[i]: the free addresses from i on, within i's prefix.
	free := make([]int, size+1)
	for i := size - 1; i >= 0; i-- {
		switch {
		case m.alloc[i]:
			free[i] = 0
		case i+1 < size && m.prefix[i+1] == m.prefix[i]:
			free[i] = free[i+1] + 1
		default:
			free[i] = 1
		}
	}
	for k := range size {
		if i := (m.cursor + k) % size; free[i] >= n {
			return i
		}
	}
	return -1
}

// run returns the index of first and the error a call on the run of n
// addresses from first must fail with, or nil.
func (m *poolModel) run(first netip.Addr, n int, wantAlloc bool, failure error) (int, error) {
	if n < 1 {
		return 0, ipam.ErrInvalidCount
	}
	i, ok := m.index[first]
	if !ok || i+n > len(m.addrs) || m.prefix[i+n-1] != m.prefix[i] {
		return 0, ipam.ErrOutOfRange
	}
	for j := i; j < i+n; j++ {
		if m.alloc[j] != wantAlloc {
			return 0, failure
		}
	}
	return i, nil
}

func (m *poolModel) set(i, n int, v bool) {
	for j := i; j < i+n; j++ {
		m.alloc[j] = v
	}
	if v {
		m.used += n
	} else {
		m.used -= n
	}
}

// take records the run a next-fit call handed out.
func (m *poolModel) take(i, n int) {
	m.set(i, n, true)
	m.cursor = (i + n) % len(m.addrs)
}

// poolMachine is the state of one property run.
type poolMachine struct {
	prefixes []netip.Prefix
	p        *ipam.Pool
	m        *poolModel
}

func (s *poolMachine) check(t *rapid.T, err, want error, what string) {
	if want == nil && err != nil || want != nil && !errors.Is(err, want) {
		t.Fatalf("%s = %v, want %v", what, err, want)
	}
}

// agree checks IsAllocated and Contains for the addresses a call touched.
func (s *poolMachine) agree(t *rapid.T, addrs ...netip.Addr) {
	for _, a := range addrs {
		i, ok := s.m.index[a]
		if s.p.Contains(a) != ok || s.p.IsAllocated(a) != (ok && s.m.alloc[i]) {
			t.Fatalf("%v: Contains %v, IsAllocated %v; the model says usable %v, allocated %v",
				a, s.p.Contains(a), s.p.IsAllocated(a), ok, ok && s.m.alloc[i])
		}
	}
}

// addr draws an address: usable mostly, sometimes one that is not (IPv4
// network and broadcast, outside, IPv4-mapped, zoned).
func (s *poolMachine) addr(t *rapid.T) netip.Addr {
	switch rapid.IntRange(0, 9).Draw(t, "kind") {
	case 0:
		return rapid.SampledFrom(s.m.outside).Draw(t, "outside")
	case 1:
		a := rapid.SampledFrom(s.m.addrs).Draw(t, "usable")
		if a.Is4() {
			return netip.AddrFrom16(a.As16()) // ::ffff:a.b.c.d
		}
		return a.WithZone("eth0")
	default:
		return rapid.SampledFrom(s.m.addrs).Draw(t, "usable")
	}
}

// count draws a run length, mostly short, sometimes invalid or long.
func (s *poolMachine) count(t *rapid.T) int {
	switch rapid.IntRange(0, 9).Draw(t, "countKind") {
	case 0:
		return rapid.IntRange(-2, 0).Draw(t, "n")
	case 1:
		return rapid.IntRange(1, 300).Draw(t, "n")
	default:
		return rapid.IntRange(1, 8).Draw(t, "n")
	}
}

func (s *poolMachine) allocateNext(t *rapid.T) {
	want := s.m.nextFit(1)
	a, err := s.p.AllocateNext()
	if want < 0 {
		if err != ipam.ErrPoolFull {
			t.Fatalf("AllocateNext on a full pool = %v, %v", a, err)
		}
		return
	}
	if err != nil || a != s.m.addrs[want] {
		t.Fatalf("AllocateNext = %v, %v; want %v (cursor %d)", a, err, s.m.addrs[want], s.m.cursor)
	}
	if s.m.alloc[want] {
		t.Fatalf("AllocateNext handed out %v twice", a)
	}
	s.m.take(want, 1)
	s.agree(t, a)
}

func (s *poolMachine) actions() map[string]func(*rapid.T) {
	return map[string]func(*rapid.T){
		"AllocateNext": s.allocateNext,
		// Fills the pool faster than 30 steps of single allocations would,
		// so full words and full pools happen.
		"AllocateNextMany": func(t *rapid.T) {
			for range rapid.IntRange(1, 100).Draw(t, "times") {
				s.allocateNext(t)
			}
		},
		"Allocate": func(t *rapid.T) {
			a := s.addr(t)
			i, ok := s.m.index[a]
			var want error
			switch {
			case !ok:
				want = ipam.ErrOutOfRange
			case s.m.alloc[i]:
				want = ipam.ErrAllocated
			}
			err := s.p.Allocate(a)
			if err != want {
				t.Fatalf("Allocate(%v) = %v, want %v", a, err, want)
			}
			if want == nil {
				s.m.set(i, 1, true)
			}
			s.agree(t, a)
		},
		"Release": func(t *rapid.T) {
			a := s.addr(t)
			i, ok := s.m.index[a]
			var want error
			switch {
			case !ok:
				want = ipam.ErrOutOfRange
			case !s.m.alloc[i]:
				want = ipam.ErrNotAllocated
			}
			err := s.p.Release(a)
			if err != want {
				t.Fatalf("Release(%v) = %v, want %v", a, err, want)
			}
			if want == nil {
				s.m.set(i, 1, false)
			}
			s.agree(t, a)
		},
		"AllocateRange": func(t *rapid.T) {
			n := s.count(t)
			a, err := s.p.AllocateRange(n)
			if n < 1 {
				s.check(t, err, ipam.ErrInvalidCount, fmt.Sprintf("AllocateRange(%d)", n))
				return
			}
			want := s.m.nextFit(n)
			if want < 0 {
				s.check(t, err, ipam.ErrPoolFull, fmt.Sprintf("AllocateRange(%d)", n))
				return
			}
			if err != nil || a != s.m.addrs[want] {
				t.Fatalf("AllocateRange(%d) = %v, %v; want %v (cursor %d)", n, a, err, s.m.addrs[want], s.m.cursor)
			}
			s.m.take(want, n)
			s.agree(t, s.m.addrs[max(want-1, 0):min(want+n+1, len(s.m.addrs))]...)
		},
		"AllocateRangeAt": func(t *rapid.T) {
			a, n := s.addr(t), s.count(t)
			i, want := s.m.run(a, n, false, ipam.ErrAllocated)
			s.check(t, s.p.AllocateRangeAt(a, n), want, fmt.Sprintf("AllocateRangeAt(%v, %d)", a, n))
			if want == nil {
				s.m.set(i, n, true)
				s.agree(t, s.m.addrs[i:i+n]...)
			}
			s.agree(t, a)
		},
		"ReleaseRange": func(t *rapid.T) {
			a, n := s.addr(t), s.count(t)
			i, want := s.m.run(a, n, true, ipam.ErrNotAllocated)
			s.check(t, s.p.ReleaseRange(a, n), want, fmt.Sprintf("ReleaseRange(%v, %d)", a, n))
			if want == nil {
				s.m.set(i, n, false)
				s.agree(t, s.m.addrs[i:i+n]...)
			}
			s.agree(t, a)
		},
		// Releases a run the model knows to be allocated, so that
		// ReleaseRange succeeds often enough.
		"ReleaseHeldRun": func(t *rapid.T) {
			i := rapid.IntRange(0, len(s.m.addrs)-1).Draw(t, "i")
			if !s.m.alloc[i] {
				return
			}
			n := 1
			for i+n < len(s.m.addrs) && s.m.alloc[i+n] && s.m.prefix[i+n] == s.m.prefix[i] && n < 200 {
				n++
			}
			if err := s.p.ReleaseRange(s.m.addrs[i], n); err != nil {
				t.Fatalf("ReleaseRange(%v, %d) = %v", s.m.addrs[i], n, err)
			}
			s.m.set(i, n, false)
			s.agree(t, s.m.addrs[i:i+n]...)
		},
		// Round trip through a snapshot into a fresh pool, then go on with
		// the fresh pool: it must behave as the old one would have, next-fit
		// cursor included.
		"Snapshot": func(t *rapid.T) {
			b, err := s.p.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			q, err := ipam.NewPool(s.prefixes...)
			if err != nil {
				t.Fatal(err)
			}
			if err := q.UnmarshalBinary(b); err != nil {
				t.Fatalf("UnmarshalBinary(MarshalBinary()) = %v", err)
			}
			var got []netip.Addr
			for a := range q.Allocated() {
				got = append(got, a)
			}
			var want []netip.Addr
			for i, a := range s.m.addrs {
				if s.m.alloc[i] {
					want = append(want, a)
				}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("restored allocated set %v, want %v", got, want)
			}
			if b2, _ := q.MarshalBinary(); !slices.Equal(b, b2) {
				t.Fatalf("snapshot %x re-marshals as %x", b, b2)
			}
			if rapid.Bool().Draw(t, "clone") {
				q = q.Clone()
			}
			s.p = q
		},
		"": func(t *rapid.T) {
			if s.p.Size() != len(s.m.addrs) || s.p.Free() != len(s.m.addrs)-s.m.used {
				t.Fatalf("Size %d, Free %d; the model has %d addresses, %d allocated",
					s.p.Size(), s.p.Free(), len(s.m.addrs), s.m.used)
			}
			free, size := 0, 0
			for _, st := range s.p.Stats() {
				if st.Free+st.Allocated != st.Size {
					t.Fatalf("Stats: %+v", st)
				}
				free += st.Free
				size += st.Size
			}
			if free != s.p.Free() || size != s.p.Size() {
				t.Fatalf("Stats add up to %d free of %d", free, size)
			}
		},
	}
}

// TestPoolProperty runs random sequences of every Pool method against the
// model: the pool's answers, errors and choices match the model's, so it
// never hands out an address twice, nor a network or broadcast address;
// Free() plus the allocated addresses is Size(); failing calls change
// nothing; a snapshot restores the same pool.
func TestPoolProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		names := rapid.SliceOfNDistinct(rapid.SampledFrom(poolCandidates), 1, 4, func(s string) string { return s }).Draw(t, "prefixes")
		prefixes := poolPrefixes(t, names...)
		p, err := ipam.NewPool(prefixes...)
		if err != nil {
			t.Fatal(err)
		}
		s := &poolMachine{prefixes: prefixes, p: p, m: poolNewModel(prefixes)}
		t.Repeat(s.actions())
	})
}
