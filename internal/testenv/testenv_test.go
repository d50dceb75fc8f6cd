package testenv

import (
	"fmt"
	"strings"
	"testing"
)

func TestInCI(t *testing.T) {
	for _, tc := range []struct {
		ci   string
		want bool
	}{
		{"", false},
		{"true", true},
		{"TRUE", true},
		{"1", true},
		{"false", false},
		{"0", false},
		{"yes", false}, // not a boolean ParseBool knows: not CI
	} {
		if got := InCI(tc.ci); got != tc.want {
			t.Errorf("InCI(%q) = %v, want %v", tc.ci, got, tc.want)
		}
	}
}

// recorder stands in for testing.TB and records how the test was stopped;
// embedding the interface supplies the unexported method TB requires.
type recorder struct {
	testing.TB
	skipped, fatal string
}

func (r *recorder) Helper() {}
func (r *recorder) Skipf(format string, args ...any) {
	r.skipped = fmt.Sprintf(format, args...)
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.fatal = fmt.Sprintf(format, args...)
}

func TestStop(t *testing.T) {
	for _, tc := range []struct {
		name        string
		ci          bool
		wantSkipped bool
	}{
		{"developer machine skips", false, true},
		{"CI fails", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &recorder{}
			stop(r, tc.ci, "needs root", "sudo go test")
			msg := r.fatal
			if tc.wantSkipped {
				msg = r.skipped
			}
			if (r.skipped != "") != tc.wantSkipped || (r.fatal != "") == tc.wantSkipped {
				t.Fatalf("skipped=%q fatal=%q, want skipped: %v", r.skipped, r.fatal, tc.wantSkipped)
			}
			for _, part := range []string{"needs root", "sudo go test"} {
				if !strings.Contains(msg, part) {
					t.Errorf("message %q lacks %q", msg, part)
				}
			}
			if tc.ci && !strings.Contains(msg, "CI=true") {
				t.Errorf("CI message %q does not say why a skip fails", msg)
			}
		})
	}
}

// Under CI=true SkipUnlessCI reads the environment and fails.
func TestSkipUnlessCIReadsEnv(t *testing.T) {
	t.Setenv("CI", "true")
	r := &recorder{}
	SkipUnlessCI(r, "needs a kernel", "run on Linux")
	if r.fatal == "" || r.skipped != "" {
		t.Fatalf("under CI=true: skipped=%q fatal=%q, want a failure", r.skipped, r.fatal)
	}
	t.Setenv("CI", "")
	r = &recorder{}
	SkipUnlessCI(r, "needs a kernel", "run on Linux")
	if r.skipped == "" || r.fatal != "" {
		t.Fatalf("outside CI: skipped=%q fatal=%q, want a skip", r.skipped, r.fatal)
	}
}
