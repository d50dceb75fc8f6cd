package ipam_test

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/meshstate/meshstate/ipam"
)

func ExampleNewPool() {
	pool, err := ipam.NewPool(
		netip.MustParsePrefix("fd00:1::/120"),
		netip.MustParsePrefix("10.0.0.0/24"),  // .0 and .255 are not usable
		netip.MustParsePrefix("10.0.1.0/31"),  // RFC 3021: both usable
		netip.MustParsePrefix("10.0.1.10/32"), // one usable address
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(pool.Prefixes(), pool.Size())
	fmt.Println(pool.Contains(netip.MustParseAddr("10.0.0.0")), pool.Contains(netip.MustParseAddr("10.0.1.0")))
	// Output:
	// [10.0.0.0/24 10.0.1.0/31 10.0.1.10/32 fd00:1::/120] 513
	// false true
}

func ExampleNewPool_refused() {
	for _, s := range []string{"10.0.0.1/24", "fd00::/64"} {
		_, err := ipam.NewPool(netip.MustParsePrefix(s))
		fmt.Println(errors.Is(err, ipam.ErrInvalidPrefix), errors.Is(err, ipam.ErrPoolTooLarge))
		fmt.Println(err)
	}
	// Output:
	// true false
	// ipam: invalid prefix 10.0.0.1/24: host bits set (the prefix is 10.0.0.0/24)
	// false true
	// ipam: pool too large: fd00::/64 holds 2^64 addresses, more than the limit of 2^24 (16777216, an IPv4 /8 or an IPv6 /104); use a longer prefix, /104 or longer
}

// Next-fit: a released address is not handed out again until the cursor
// comes round to it.
func ExamplePool_AllocateNext() {
	pool, _ := ipam.NewPool(netip.MustParsePrefix("192.168.0.0/29")) // .1 to .6
	a, _ := pool.AllocateNext()
	b, _ := pool.AllocateNext()
	fmt.Println(a, b)
	_ = pool.Release(a)
	for range 5 {
		next, err := pool.AllocateNext()
		fmt.Println(next, err)
	}
	// Output:
	// 192.168.0.1 192.168.0.2
	// 192.168.0.3 <nil>
	// 192.168.0.4 <nil>
	// 192.168.0.5 <nil>
	// 192.168.0.6 <nil>
	// 192.168.0.1 <nil>
}

func ExamplePool_AllocateRange() {
	pool, _ := ipam.NewPool(netip.MustParsePrefix("10.0.0.0/28")) // .1 to .14
	_ = pool.Allocate(netip.MustParseAddr("10.0.0.3"))
	first, err := pool.AllocateRange(4)
	fmt.Println(first, err) // .1 and .2 are too few
	// After a restart, take back a range recorded in an object's status.
	err = pool.AllocateRangeAt(netip.MustParseAddr("10.0.0.10"), 4)
	fmt.Println(err, pool.Free())
	err = pool.AllocateRangeAt(netip.MustParseAddr("10.0.0.12"), 4) // past .14
	fmt.Println(errors.Is(err, ipam.ErrOutOfRange))
	// Output:
	// 10.0.0.4 <nil>
	// <nil> 5
	// true
}

// A snapshot restores the allocated addresses (and the next-fit cursor)
// into a pool made from the same prefixes.
func ExamplePool_MarshalBinary() {
	prefix := netip.MustParsePrefix("10.0.0.0/8")
	pool, _ := ipam.NewPool(prefix)
	_, _ = pool.AllocateRange(100_000)
	_ = pool.Allocate(netip.MustParseAddr("10.200.0.1"))
	snap, _ := pool.MarshalBinary()
	fmt.Println(len(snap), "bytes")

	restored, _ := ipam.NewPool(prefix)
	err := restored.UnmarshalBinary(snap)
	fmt.Println(err, restored.Free() == pool.Free(), restored.IsAllocated(netip.MustParseAddr("10.200.0.1")))

	other, _ := ipam.NewPool(netip.MustParsePrefix("10.0.0.0/9"))
	fmt.Println(errors.Is(other.UnmarshalBinary(snap), ipam.ErrInvalidSnapshot))
	// Output:
	// 21 bytes
	// <nil> true true
	// true
}

func ExamplePool_Stats() {
	pool, _ := ipam.NewPool(netip.MustParsePrefix("fd00::/126"), netip.MustParsePrefix("10.0.0.0/30"))
	_, _ = pool.AllocateNext()
	for _, s := range pool.Stats() {
		fmt.Printf("%v size=%d free=%d allocated=%d\n", s.Prefix, s.Size, s.Free, s.Allocated)
	}
	// Output:
	// 10.0.0.0/30 size=2 free=1 allocated=1
	// fd00::/126 size=4 free=4 allocated=0
}
