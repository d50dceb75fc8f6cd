package viptest

import (
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/discovery/vip"
	"github.com/meshstate/meshstate/internal/rapidreport"
	"github.com/meshstate/meshstate/transcript"
)

// A property over the VIP properties' draws that fails once a Service
// with VIPs and a slice with an endpoint have both been delivered: rapid's
// report lists the histories and the order as transcript lines.
func TestVIPDrawsReadably(t *testing.T) {
	out, failed := rapidreport.Capture(t, func(t *rapid.T) {
		hs := drawHistories(t, GenConfig{}.withDefaults(), "histories")
		var vips, endpoints bool
		for _, ev := range drawOrder(t, hs, "order") {
			switch e := ev.(type) {
			case vip.ServiceUpsert:
				vips = vips || len(e.Service.VIPs) > 0
			case vip.SliceUpsert:
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
	rapidreport.Readable(t, out,
		`draw histories: \n# (service|slice) \S+\n`,
		`\nServiceUpsert service: .*vips=\[[0-9a-f.:]+`,
		`\nSliceUpsert slice: .*endpoints\.0\.`,
		`\n(Services|Slices)Synced\n`)
	// The order pastes into a scenario file: every line parses back.
	_, order, ok := strings.Cut(out, "draw order: ")
	if !ok {
		t.Fatalf("no draw order in the report:\n%s", out)
	}
	parsed := 0
	for _, line := range strings.Split(order, "\n")[1:] {
		if line == "" || line[0] < 'A' || line[0] > 'Z' {
			break
		}
		if _, err := transcript.Parse(line, vip.UnmarshalEvent); err != nil {
			t.Errorf("draw order line %q: %v", line, err)
		}
		parsed++
	}
	if parsed == 0 {
		t.Errorf("no event line parsed in the draw order:\n%s", order)
	}
	if strings.Contains(out, "(*bool)") {
		t.Error("report carries pointers")
	}
}
