package discoverytest

import (
	"regexp"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/discovery"
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

// A property over the VIP properties' draws that fails once a Service
// with VIPs and a slice with an endpoint have both been delivered: rapid's
// report lists the histories and the order as transcript lines.
func TestVIPDrawsReadably(t *testing.T) {
	out, failed := capture(t, func(t *rapid.T) {
		hs := drawHistories(t, VIPGenConfig{}.withDefaults(), "histories")
		var vips, endpoints bool
		for _, ev := range drawOrder(t, hs, "order") {
			switch e := ev.(type) {
			case discovery.ServiceUpsert:
				vips = vips || len(e.Service.VIPs) > 0
			case discovery.SliceUpsert:
				endpoints = endpoints || len(e.Slice.Endpoints) > 0
			}
			if vips && endpoints {
				t.Fatal("a Service with VIPs and a slice with endpoints")
			}
		}
	})
	if !failed {
		t.Fatalf("the property passed; rapid said:\n%s", out)
	}
	readable(t, out,
		`draw histories: \n  (service|slice) \S+:\n    `,
		`\n +\d+ ServiceUpsert \S+/\S+ .*vips=\[[0-9a-f.:]+`,
		`\n +\d+ SliceUpsert \S+/\S+ .*endpoints=\[[^\]]+\]`,
		`\n +\d+ (Services|Slices)Synced\n`)
	if strings.Contains(out, "(*bool)") {
		t.Error("report carries pointers")
	}
}
