package vip_test

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/discovery/vip/viptest"
)

// Invariants 1 to 5 of the VIP machine over generated per-object
// histories and their interleavings; make test runs 1,000 checks each.
func TestVIPProperties(t *testing.T) {
	for name, cfg := range map[string]viptest.GenConfig{
		"small": {},
		"wide":  {Services: 6, Slices: 8, Actions: 4},
	} {
		t.Run(name, func(t *testing.T) { rapid.Check(t, viptest.Property(cfg)) })
	}
}

// Invariants 5 to 8 of the VIP machine's outcomes and retries: writes
// fail, conflict or lose their answer, retries fire late or superseded.
func TestVIPFaultProperties(t *testing.T) {
	for name, cfg := range map[string]viptest.GenConfig{
		"small": {},
		"wide":  {Services: 6, Slices: 8, Actions: 4},
	} {
		t.Run(name, func(t *testing.T) { rapid.Check(t, viptest.FaultProperty(cfg)) })
	}
}
