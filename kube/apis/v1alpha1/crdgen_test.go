package v1alpha1_test

import (
	"bytes"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/meshstate/meshstate/kube/config"
)

// regenerate is the command, run from the repository's root, that brings
// kube/config/crd in step with the types.
const regenerate = "bash hack/crdgen.sh"

// The CRDs that ship in kube/config/crd (and embedded in the config
// package) are exactly what controller-gen makes of this package's types
// and markers: hack/crdgen.sh, run into a temporary directory, writes the
// same files, byte for byte. controller-gen comes from kube/tools.mod
// through the module cache or proxy, like every other module.
func TestCRDsGenerated(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs controller-gen; skipped with -short")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is missing: hack/crdgen.sh cannot run")
	}
	script, err := filepath.Abs(filepath.Join("..", "..", "..", "hack", "crdgen.sh"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cmd := exec.Command("bash", script, dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", regenerate, dir, err, out)
	}

	got := readYAML(t, os.DirFS(dir))
	want := readYAML(t, config.CRDs())
	all := maps.Clone(got)
	maps.Copy(all, want)
	for _, name := range slices.Sorted(maps.Keys(all)) {
		g, inGot := got[name]
		w, inWant := want[name]
		switch {
		case !inWant:
			t.Errorf("kube/config/crd/%s is missing: the types make it; run `%s` from the repository root", name, regenerate)
		case !inGot:
			t.Errorf("kube/config/crd/%s is not made from the types any more; run `%s` from the repository root", name, regenerate)
		case !bytes.Equal(g, w):
			t.Errorf("kube/config/crd/%s is out of step with kube/apis/v1alpha1; run `%s` from the repository root\n%s",
				name, regenerate, firstDifference(w, g))
		}
	}
}

// readYAML returns the .yaml files of dir by name.
func readYAML(t *testing.T, dir fs.FS) map[string][]byte {
	t.Helper()
	names, err := fs.Glob(dir, "*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, n := range names {
		if files[n], err = fs.ReadFile(dir, n); err != nil {
			t.Fatal(err)
		}
	}
	return files
}

// firstDifference shows the first line where the checked-in file and the
// generated one differ.
func firstDifference(checkedIn, generated []byte) string {
	o, n := strings.Split(string(checkedIn), "\n"), strings.Split(string(generated), "\n")
	for i := range max(len(o), len(n)) {
		var a, b string
		if i < len(o) {
			a = o[i]
		}
		if i < len(n) {
			b = n[i]
		}
		if a != b || i >= len(o) || i >= len(n) {
			return "first difference at line " + strconv.Itoa(i+1) + ":\n  checked in: " + a + "\n  generated:  " + b
		}
	}
	return "they differ"
}
