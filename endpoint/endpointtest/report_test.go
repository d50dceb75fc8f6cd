package endpointtest_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/meshstate/meshstate/endpoint"
	"github.com/meshstate/meshstate/endpoint/endpointtest"
	"github.com/meshstate/meshstate/internal/rapidreport"
)

// The field's health checker, which ignores stale removals, must be caught
// with a report a person can read: the shrunk stream as a transcript of
// short lines (the events by name, no netip or time internals), followed by
// the property's complaint.
func TestHandlerPropertyReportIsATranscript(t *testing.T) {
	legacy := func() endpoint.Handler { return &prober{probing: map[string]bool{}} }
	out, failed := rapidreport.Capture(t, endpointtest.HandlerProperty(endpointtest.GenConfig{}, legacy, probesMatch))
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
		if f := strings.Fields(line); len(f) > 0 && (f[0] == "Upsert" || f[0] == "Delete" || f[0] == "Synced" || f[0] == "restart") {
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

	// The drawn steps paste as they are into a scenario file: they parse
	// and decode, one step per event.
	_, drawn, ok := strings.Cut(out, "[rapid] draw steps:")
	if !ok {
		t.Fatal("no drawn steps in the report")
	}
	var pasted []string
	for line := range strings.Lines(drawn) {
		if strings.HasPrefix(line, "step ") || strings.HasPrefix(line, "[rapid]") {
			break
		}
		pasted = append(pasted, line)
	}
	s, err := endpointtest.ParseScenario([]byte(strings.Join(pasted, "")))
	if err != nil {
		t.Fatalf("the report's steps do not read as a scenario: %v", err)
	}
	if len(s.Steps) != steps {
		t.Errorf("the pasted report reads as %d steps, want %d", len(s.Steps), steps)
	}
}

// Each step is its transcript line, and a stream is a transcript.
func TestStepsGoString(t *testing.T) {
	steps := endpointtest.Steps(restartPattern())
	steps = append(steps, endpointtest.Step{Restart: true}, endpointtest.Step{Event: endpoint.Delete{Name: "east-gw-2", UID: "u2"}})
	got := fmt.Sprintf("%#v", steps)
	want := `
Upsert endpoint: name=east-gw-1 clusterID=east createdAt=2025-06-30T20:04:23Z sequence=1
Synced
Upsert endpoint: name=east-gw-2 clusterID=east createdAt=2025-06-30T20:04:23Z sequence=2
Delete name=east-gw-1
restart
Delete name=east-gw-2 uid=u2`
	if got != want {
		t.Errorf("%%#v of steps =%s\nwant%s", got, want)
	}
	if got := fmt.Sprint(steps[0]); got != strings.TrimSpace(strings.Split(want, "\n")[1]) {
		t.Errorf("%%v of a step = %q, want its transcript line", got)
	}
}
