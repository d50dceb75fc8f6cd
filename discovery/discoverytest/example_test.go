package discoverytest_test

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/discovery/discoverytest"
)

// Check the VIP machine over generated Service and EndpointSlice
// histories, interleaved in every order, in a test of your own:
//
//	func TestVIPs(t *testing.T) { rapid.Check(t, discoverytest.VIPProperty(gen)) }
//
// More services and slices per run find fewer collisions; the defaults
// are small on purpose.
func ExampleVIPProperty() {
	gen := discoverytest.VIPGenConfig{NodeName: "worker-1"}
	var test func(*testing.T) = rapid.MakeCheck(discoverytest.VIPProperty(gen))
	_ = test
}
