package endpointtest_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/meshstate/meshstate/endpoint"
	"github.com/meshstate/meshstate/endpoint/endpointtest"
	"github.com/meshstate/meshstate/internal/rapidreport"
)

var report = rapidreport.Capture

// The field's health checker, which ignores stale removals, must be caught
// with a report a person can read: the shrunk stream as a transcript of
// short lines (the events by name, no netip or time internals), followed by
// the property's complaint.
func TestHandlerPropertyReportIsATranscript(t *testing.T) {
	legacy := func() endpoint.Handler { return &prober{probing: map[string]bool{}} }
	out, failed := report(t, endpointtest.HandlerProperty(endpointtest.GenConfig{}, legacy, probesMatch))
	if !failed {
		t.Fatalf("the legacy prober passed; rapid said:\n%s", out)
	}
	t.Logf("rapid's report (%d bytes):\n%s", len(out), out)
	for _, want := range []string{"[rapid] draw steps:", "Synced", "Upsert ", "Delete ", "probing ["} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	for _, noise := range []string{"netip.", "unique.Handle", "time.Location", "endpointtest.Step{", "endpoint.Endpoint{"} {
		if strings.Contains(out, noise) {
			t.Errorf("report carries Go syntax %q", noise)
		}
	}
	steps := 0
	for line := range strings.Lines(out) {
		if len(line) >= 200 {
			t.Errorf("report line of %d characters: %.120s...", len(line), line)
		}
		if f := strings.Fields(line); len(f) > 1 && (f[1] == "Upsert" || f[1] == "Delete" || f[1] == "Synced" || f[1] == "restart") {
			steps++
		}
	}
	// The incident needs an endpoint, Synced, a newer one and the old
	// one's deletion. How far rapid shrinks beyond that depends on its
	// random seed (22 steps were seen once), so only the floor is checked;
	// readability is what the line checks above hold.
	if steps < 4 {
		t.Errorf("transcript of %d steps, want at least the four that matter", steps)
	}
}

// Each event is one line naming what matters, and a stream numbers them.
func TestStepsGoString(t *testing.T) {
	steps := endpointtest.Steps(restartPattern())
	steps = append(steps, endpointtest.Step{Restart: true}, endpointtest.Step{Event: endpoint.Delete{Name: "east-gw-2", UID: "u2"}})
	got := fmt.Sprintf("%#v", steps)
	want := `
  0 Upsert east/east-gw-1 seq=1 at=2025-06-30T20:04:23Z
  1 Synced
  2 Upsert east/east-gw-2 seq=2 at=2025-06-30T20:04:23Z
  3 Delete east-gw-1
  4 restart
  5 Delete east-gw-2 uid=u2`
	if got != want {
		t.Errorf("%%#v of steps =%s\nwant%s", got, want)
	}
}
