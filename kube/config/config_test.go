package config_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path"
	"regexp"
	"slices"
	"testing"

	mcscrd "sigs.k8s.io/mcs-api/config/crd"
	"sigs.k8s.io/yaml"

	"github.com/meshstate/meshstate/kube/config"
)

// mcsHeader is what mcs/*.yaml carry above the module's bytes.
func mcsHeader(version, file string) string {
	return fmt.Sprintf(`# Vendored from sigs.k8s.io/mcs-api %[1]s (config/crd/%[2]s),
# the version kube/go.mod requires; do not edit. TestMCSCRDsMatchModule
# (config_test.go) fails when go.mod requires another version; then
#   MESHSTATE_REWRITE=1 go test ./config -run TestMCSCRDsMatchModule
# (from kube/) copies the file again.
# ---- verbatim copy of the module's file below ----
`, version, file)
}

// mcsVersion is the version of sigs.k8s.io/mcs-api that kube/go.mod requires.
func mcsVersion(t *testing.T) string {
	t.Helper()
	mod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*sigs\.k8s\.io/mcs-api (v\S+)`).FindSubmatch(mod)
	if m == nil {
		t.Fatal("go.mod does not require sigs.k8s.io/mcs-api")
	}
	return string(m[1])
}

// TestMCSCRDsMatchModule: the vendored MCS CRDs are the module's own bytes
// (which sigs.k8s.io/mcs-api/config/crd embeds, and kubetest installs),
// under a header naming the version go.mod requires. A version bump fails
// here until the files are copied again (MESHSTATE_REWRITE=1).
func TestMCSCRDsMatchModule(t *testing.T) {
	version := mcsVersion(t)
	files := map[string][]byte{
		"multicluster.x-k8s.io_serviceexports.yaml": mcscrd.ServiceExportCRD,
		"multicluster.x-k8s.io_serviceimports.yaml": mcscrd.ServiceImportCRD,
	}
	names, err := fs.Glob(config.MCSCRDs(), "*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != len(files) {
		t.Errorf("mcs/ holds %q; want exactly the module's %d CRDs", names, len(files))
	}
	for file, module := range files {
		want := append([]byte(mcsHeader(version, file)), module...)
		if os.Getenv("MESHSTATE_REWRITE") != "" {
			if err := os.WriteFile(path.Join("mcs", file), want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := fs.ReadFile(config.MCSCRDs(), file)
		if err != nil {
			t.Error(err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("mcs/%s is not sigs.k8s.io/mcs-api %s's copy under its header; run MESHSTATE_REWRITE=1 go test ./config -run TestMCSCRDsMatchModule", file, version)
		}
		if !bytes.Contains(module, []byte(`multicluster.x-k8s.io/release-version: "`+version+`"`)) {
			t.Errorf("sigs.k8s.io/mcs-api %s's %s does not carry its release-version label", version, file)
		}
	}
}

// TestKustomization: kustomization.yaml lists every embedded manifest (so
// a CRD or role added to crd/, mcs/ or rbac/ is deployed too) and default/,
// and nothing else.
func TestKustomization(t *testing.T) {
	b, err := os.ReadFile("kustomization.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var k struct {
		Resources []string `json:"resources"`
	}
	if err := yaml.Unmarshal(b, &k); err != nil {
		t.Fatal(err)
	}
	want := []string{"default"}
	for dir, files := range map[string]fs.FS{"crd": config.CRDs(), "mcs": config.MCSCRDs(), "rbac": config.RBAC()} {
		names, err := fs.Glob(files, "*.yaml")
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			want = append(want, path.Join(dir, n))
		}
	}
	slices.Sort(want)
	got := slices.Sorted(slices.Values(k.Resources))
	if !slices.Equal(got, want) {
		t.Errorf("kustomization.yaml lists %q; want %q", got, want)
	}
}
