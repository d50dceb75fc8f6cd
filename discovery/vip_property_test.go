package discovery_test

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/discovery/discoverytest"
)

// Invariants 1 to 5 of the VIP machine over generated per-object
// histories and their interleavings; make test runs 1,000 checks each.
func TestVIPProperties(t *testing.T) {
	for name, cfg := range map[string]discoverytest.VIPGenConfig{
		"small": {},
		"wide":  {Services: 6, Slices: 8, Actions: 4},
	} {
		t.Run(name, func(t *testing.T) { rapid.Check(t, discoverytest.VIPProperty(cfg)) })
	}
}
