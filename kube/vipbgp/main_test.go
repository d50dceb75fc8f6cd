package vipbgp_test

import (
	"os"
	"testing"

	"github.com/meshstate/meshstate/kube/vipbgp/vipbgptest"
)

// TestMain runs the tests in a network namespace of their own (as root),
// and serves the kit's peers and this package's announcer processes when
// the test binary is re-executed as one.
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(runAnnouncerChild())
	}
	os.Exit(vipbgptest.Main(m))
}
