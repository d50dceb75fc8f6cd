package mcstest

import (
	"flag"
	"testing"

	"github.com/meshstate/meshstate/internal/scenario"
)

var rewrite = flag.Bool("rewrite", false, "record the actual effects into the scenario files (see internal/scenario.Run)")

// TestScenarios replays the shipped transcripts; with -rewrite it records
// the machine's actual effects into them instead.
func TestScenarios(t *testing.T) {
	scenario.Run(t, "testdata/scenarios", kit(nil), *rewrite)
}
