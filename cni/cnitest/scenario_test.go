package cnitest

import (
	"flag"
	"testing"

	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/cni"
	"github.com/meshstate/meshstate/internal/scenario"
)

var rewrite = flag.Bool("rewrite", false, "record the actual effects into the scenario files (see internal/scenario.Run)")

// TestScenarios replays the shipped transcripts; with -rewrite it records
// the machine's actual effects into them instead.
func TestScenarios(t *testing.T) {
	scenario.Run(t, "testdata/scenarios", kit(nil), *rewrite)
}

// Every generated event survives its transcript line.
func TestGeneratedEventsRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		for _, ev := range History(t, 20) {
			if err := scenario.RoundTrip(ev, cni.UnmarshalEvent); err != nil {
				t.Fatal(err)
			}
		}
	})
}
