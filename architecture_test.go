package meshstate_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/meshstate/meshstate/internal/archcheck"
)

// machinePackages are the pure state-machine packages, relative to the
// module root. Their adapters and test kits (endpoint/dispatch,
// routes/kernel, ipam/ipamtest, ...) are subpackages, or live in the kube
// module, and are not held to these rules. A package listed
// here is checked from the moment it has a Go file, so a new machine is
// covered without editing this test.
var machinePackages = []string{"endpoint", "ipam", "discovery/vip", "discovery/mcs", "routes", "cni", "health"}

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

// heavyModules are what the root module must never require, even
// indirectly: a vendor fork that embeds the machines would have to take
// them, at our versions. They belong to the kube module.
var heavyModules = []string{"k8s.io/client-go", "k8s.io/api", "sigs.k8s.io/controller-runtime",
	"sigs.k8s.io/mcs-api", "github.com/prometheus/client_golang", "k8s.io/apiextensions-apiserver"}

// TestRootModuleIsLight reads the root go.mod: the Kubernetes adapters'
// dependencies stay in kube/go.mod. hack/floor.sh (make floor) checks the
// versions of what remains.
func TestRootModuleIsLight(t *testing.T) {
	b, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	required := 0
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), "require "))
		if len(f) < 2 || !strings.Contains(f[0], ".") {
			continue
		}
		required++
		if slices.Contains(heavyModules, f[0]) {
			t.Errorf("go.mod requires %s %s: it belongs to the kube module", f[0], f[1])
		}
	}
	if required == 0 {
		t.Fatal("go.mod lists no requirement: the test read nothing")
	}
}
