package viptest_test

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/discovery/vip/viptest"
)

// Check the VIP machine over generated Service and EndpointSlice
// histories, interleaved in every order, in a test of your own:
//
//	func TestVIPs(t *testing.T) { rapid.Check(t, viptest.Property(gen)) }
//
// More services and slices per run find fewer collisions; the defaults
// are small on purpose.
func ExampleProperty() {
	gen := viptest.GenConfig{NodeName: "worker-1"}
	var test func(*testing.T) = rapid.MakeCheck(viptest.Property(gen))
	_ = test
}
