package cnitest_test

import (
	"regexp"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/cni"
	"github.com/meshstate/meshstate/cni/cnitest"
	"github.com/meshstate/meshstate/internal/rapidreport"
)

var capture = rapidreport.Capture

// readable fails t unless rapid's report matches every pattern, carries
// no netip internals and has no line of 200 characters or more.
func readable(t *testing.T, out string, patterns ...string) {
	t.Helper()
	t.Logf("rapid's report:\n%s", out)
	for _, p := range patterns {
		if !regexp.MustCompile(p).MatchString(out) {
			t.Errorf("report lacks %s", p)
		}
	}
	if strings.Contains(out, "netip.") {
		t.Error("report carries netip internals")
	}
	for line := range strings.Lines(out) {
		if len(line) >= 200 {
			t.Errorf("report line of %d characters: %.120s...", len(line), line)
		}
	}
}

// A property that fails at the first address added: rapid's report shows
// the drawn address as text.
func TestHistoryDrawsReadably(t *testing.T) {
	out, failed := capture(t, func(t *rapid.T) {
		for _, ev := range cnitest.History(t, 3) {
			if a, ok := ev.(cni.AddrAdded); ok {
				t.Fatalf("address %v added", a.Address)
			}
		}
	})
	if !failed {
		t.Fatalf("the property passed; rapid said:\n%s", out)
	}
	readable(t, out, `draw addr: (10\.244|fd00:244|192\.168|2001:db8|127\.0)[0-9a-f.:]*/\d+\n`)
}
