// Package rapidreport captures what rapid reports for a failing property,
// so that a test can check the report itself: the kits' counterexamples
// must read as short transcripts a person can follow.
package rapidreport

import (
	"flag"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"

	"pgregory.net/rapid"
)

// Capture runs prop under rapid.Check with a recorder in place of t, and
// returns rapid's report and whether the property failed. No fail file is
// written: the failure is the point of the test that calls it.
func Capture(t *testing.T, prop func(*rapid.T)) (string, bool) {
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

// Readable fails t unless rapid's report out matches every pattern (a
// regular expression), carries no netip internals and has no line of 200
// characters or more: what a person reading a CI log can follow.
func Readable(t *testing.T, out string, patterns ...string) {
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
