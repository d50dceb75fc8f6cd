// Package testenv lets a test declare what it needs from the machine (root,
// a kernel feature, a binary) and decides what to do when it is missing:
// skip on a developer's machine, with instructions, but fail under CI,
// where a skipped test is a test that silently never runs.
package testenv

import (
	"os"
	"strconv"
	"testing"
)

// InCI reports whether the value of the CI environment variable means "this
// is a CI run". CI systems set CI=true; any value strconv.ParseBool reads as
// true ("1", "TRUE", ...) counts, anything else (unset included) does not.
func InCI(ci string) bool {
	v, err := strconv.ParseBool(ci)
	return err == nil && v
}

// SkipUnlessCI stops a test that cannot run here. Outside CI it skips, with
// reason and howToRun (the command or setup that runs the test); under
// CI=true it fails instead, because CI must run every test.
func SkipUnlessCI(t testing.TB, reason, howToRun string) {
	t.Helper()
	stop(t, InCI(os.Getenv("CI")), reason, howToRun)
}

// stop is SkipUnlessCI with the CI decision made, so tests can drive both
// branches without touching the environment.
func stop(t testing.TB, ci bool, reason, howToRun string) {
	t.Helper()
	if ci {
		t.Fatalf("%s; a skip under CI=true is a failure. To run it: %s", reason, howToRun)
		return
	}
	t.Skipf("%s. To run it: %s", reason, howToRun)
}

// RequireRoot stops the test, as SkipUnlessCI does, unless it runs as root
// (network namespaces, netlink writes and custom routing tables need it).
func RequireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	SkipUnlessCI(t, "this test needs root",
		`sudo -E env "PATH=$PATH" go test -run '^`+t.Name()+`$' ./...`)
}
