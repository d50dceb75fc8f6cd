package routestest_test

import (
	"flag"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"

	"pgregory.net/rapid"

	"github.com/meshstate/meshstate/routes/routestest"
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

// A property over Desired that fails once a remote has subnets and a
// gateway: rapid's report must show the drawn subnets and gateway as
// addresses, not netip internals.
func TestDesiredDrawsReadably(t *testing.T) {
	old := flag.Lookup("rapid.nofailfile").Value.String()
	if err := flag.Set("rapid.nofailfile", "true"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = flag.Set("rapid.nofailfile", old) })
	r := &recorder{name: t.Name()}
	rapid.Check(r, func(t *rapid.T) {
		for _, rm := range routestest.Desired(t).Remotes {
			if len(rm.Subnets) > 0 && rm.Gateway.IsValid() {
				t.Fatalf("remote %s: %v via %v", rm.Cluster, rm.Subnets, rm.Gateway)
			}
		}
	})
	out := r.out.String()
	if !r.Failed() {
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
