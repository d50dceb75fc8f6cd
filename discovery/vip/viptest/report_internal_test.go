package viptest

import (
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/discovery/vip"
	"github.com/meshstate/meshstate/internal/rapidreport"
)

var capture = rapidreport.Capture

var readable = rapidreport.Readable

// A property over the VIP properties' draws that fails once a Service
// with VIPs and a slice with an endpoint have both been delivered: rapid's
// report lists the histories and the order as transcript lines.
func TestVIPDrawsReadably(t *testing.T) {
	out, failed := capture(t, func(t *rapid.T) {
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
	readable(t, out,
		`draw histories: \n  (service|slice) \S+:\n    `,
		`\n +\d+ ServiceUpsert \S+/\S+ .*vips=\[[0-9a-f.:]+`,
		`\n +\d+ SliceUpsert \S+/\S+ .*endpoints=\[[^\]]+\]`,
		`\n +\d+ (Services|Slices)Synced\n`)
	if strings.Contains(out, "(*bool)") {
		t.Error("report carries pointers")
	}
}
