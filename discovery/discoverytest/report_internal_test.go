package discoverytest

import (
	"flag"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"

	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/discovery"
)

// recorder is a rapid.TB that keeps what rapid reports instead of failing
// the test that runs it.
type recorder struct {
	name   string
	mu     sync.Mutex
	out    strings.Builder
	failed bool
}

func (r *recorder) Helper()      {}
func (r *recorder) Name() string { return r.name }
func (r *recorder) Logf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintf(&r.out, format+"\n", args...)
}
func (r *recorder) Log(args ...any)                  { r.Logf("%s", fmt.Sprint(args...)) }
func (r *recorder) Skipf(format string, args ...any) { r.Logf(format, args...) }
func (r *recorder) Skip(args ...any)                 { r.Log(args...) }
func (r *recorder) SkipNow()                         {}
func (r *recorder) Errorf(format string, args ...any) {
	r.Logf(format, args...)
	r.Fail()
}
func (r *recorder) Error(args ...any)                 { r.Errorf("%s", fmt.Sprint(args...)) }
func (r *recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...) }
func (r *recorder) Fatal(args ...any)                 { r.Error(args...) }
func (r *recorder) FailNow()                          { r.Fail() }
func (r *recorder) Fail() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = true
}
func (r *recorder) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed
}

// capture runs prop under rapid.Check and returns rapid's report, with no
// fail file written.
func capture(t *testing.T, prop func(*rapid.T)) (string, bool) {
	t.Helper()
	old := flag.Lookup("rapid.nofailfile").Value.String()
	if err := flag.Set("rapid.nofailfile", "true"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = flag.Set("rapid.nofailfile", old) })
	r := &recorder{name: t.Name()}
	rapid.Check(r, prop)
	return r.out.String(), r.Failed()
}

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
