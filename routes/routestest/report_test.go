package routestest_test

import (
	"regexp"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/internal/rapidreport"
	"github.com/meshstate/meshstate/routes/routestest"
)

// A property over Desired that fails once a remote has subnets and a
// gateway: rapid's report must show the drawn subnets and gateway as
// addresses, not netip internals.
func TestDesiredDrawsReadably(t *testing.T) {
	out, failed := rapidreport.Capture(t, func(t *rapid.T) {
		for _, rm := range routestest.Desired(t).Remotes {
			if len(rm.Subnets) > 0 && rm.Gateway.IsValid() {
				t.Fatalf("remote %s: %v via %v", rm.Cluster, rm.Subnets, rm.Gateway)
			}
		}
	})
	if !failed {
		t.Fatalf("the property passed; rapid said:\n%s", out)
	}
	t.Logf("rapid's report:\n%s", out)
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`draw \w+-subnets: \[(10|fd)[0-9a-f.:]+/\d+`),
		regexp.MustCompile(`draw \w+-gw: (192\.168\.1\.[12]|fd99::[12])\n`),
	} {
		if !want.MatchString(out) {
			t.Errorf("report lacks %v", want)
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
