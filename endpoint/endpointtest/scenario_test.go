package endpointtest

import (
	"flag"
	"testing"

	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/endpoint"
	"github.com/meshstate/meshstate/internal/scenario"
)

var rewrite = flag.Bool("rewrite", false, "record the actual effects into the scenario files (see internal/scenario.Run)")

// TestScenarios replays the shipped transcripts; with -rewrite it records
// the machine's actual notifications into them instead.
func TestScenarios(t *testing.T) {
	scenario.Run(t, "testdata/scenarios", kit(), *rewrite)
}

// Every generated event survives its transcript line, so a counterexample
// pasted into a scenario replays the same events.
func TestGeneratedEventsRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		for _, st := range Stream(GenConfig{Invalid: true}).Draw(t, "steps") {
			if st.Restart {
				continue
			}
			if err := scenario.RoundTrip(st.Event, endpoint.UnmarshalEvent); err != nil {
				t.Fatal(err)
			}
		}
	})
}
