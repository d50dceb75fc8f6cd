package ipamtest_test

import (
	"net/netip"
	"testing"

	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/ipam"
	"github.com/meshstate/meshstate/ipam/ipamtest"
)

// Run the allocator's invariants over generated sessions, with the pool
// shape your controller uses, in a test of your own:
//
//	func TestAllocator(t *testing.T) { rapid.Check(t, ipamtest.Property(cfg)) }
//
// rapid.MakeCheck makes the same test function. A small pool runs full
// often, which is where allocators go wrong.
func ExampleProperty() {
	cfg := ipam.Config{Prefixes: []netip.Prefix{netip.MustParsePrefix("242.0.0.0/29")}}
	var test func(*testing.T) = rapid.MakeCheck(ipamtest.Property(cfg))
	_ = test
}
