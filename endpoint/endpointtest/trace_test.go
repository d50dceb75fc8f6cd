package endpointtest_test

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/endpoint"
	"github.com/meshstate/meshstate/endpoint/endpointtest"
)

// A recorded trace replays to the same notifications as the live events.
func TestTraceRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var events []endpoint.Event
		for _, s := range endpointtest.Stream(endpointtest.GenConfig{Invalid: true}).Draw(t, "steps") {
			if !s.Restart {
				events = append(events, s.Event)
			}
		}
		var buf bytes.Buffer
		if err := endpointtest.WriteTrace(&buf, events); err != nil {
			t.Fatal(err)
		}
		back, err := endpointtest.ReadTrace(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(events, back, cmpopts.EquateComparable(netip.Addr{}, netip.Prefix{}), cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("trace changed the events (-live +replayed):\n%s", diff)
		}
	})
}

func TestReadTraceReportsTheLine(t *testing.T) {
	_, err := endpointtest.ReadTrace(strings.NewReader("{\"type\":\"Synced\"}\n\n{\"type\":\"Bogus\"}\n"))
	if err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("err = %v, want it to name line 3", err)
	}
}
