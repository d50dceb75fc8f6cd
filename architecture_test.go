package meshstate_test

import (
	"context"
	"testing"

	"github.com/meshstate/meshstate/internal/archcheck"
)

// machinePackages are the pure state-machine packages, relative to the
// module root. Their adapters and test kits (endpoint/dispatch, ipam/kube,
// ...) are subpackages and are not held to these rules. A package listed
// here is checked from the moment it has a Go file, so a new machine is
// covered without editing this test.
var machinePackages = []string{"endpoint", "ipam", "discovery", "routes", "cni", "health"}

// TestMachinesArePure enforces that a machine is a plain value, on every
// machine package: no I/O (directly or through a dependency), no clock, no
// randomness, no goroutines. See archcheck.PureMachine for the exact rules
// and the reason each gives.
func TestMachinesArePure(t *testing.T) {
	dirs, err := archcheck.PackageDirs(".", machinePackages...)
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) == 0 {
		t.Fatalf("none of the machine packages %q exists: the test would check nothing", machinePackages)
	}
	violations, err := archcheck.Check(context.Background(), ".", dirs, archcheck.PureMachine())
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range violations {
		t.Errorf("%s (package %s)", v, v.Package)
	}
	t.Logf("checked %q", dirs)
}
