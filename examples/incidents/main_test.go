package main

import (
	"strings"
	"testing"
)

func TestEveryIncidentPasses(t *testing.T) {
	var out strings.Builder
	if code := run(&out, ""); code != 0 {
		t.Fatalf("exit %d:\n%s", code, out.String())
	}
	for _, inc := range incidents {
		if !strings.Contains(out.String(), "verdict "+inc.id+": PASS") {
			t.Errorf("no passing verdict for incident %s:\n%s", inc.id, out.String())
		}
	}
}

func TestUnknownIncident(t *testing.T) {
	var out strings.Builder
	if code := run(&out, "999"); code != 2 {
		t.Fatalf("exit %d for an unknown incident", code)
	}
}
