package archcheck_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/meshstate/meshstate/internal/archcheck"
)

// The fixtures prove the rules are not vacuous: every line of the dirty
// fixture marked `// want "text"` must be reported with a message holding
// text, and nothing else may be, in either fixture.
func TestFixtures(t *testing.T) {
	dirs := []string{"testdata/dirty", "testdata/clean"}
	vs, err := archcheck.Check(context.Background(), ".", dirs, archcheck.PureMachine())
	if err != nil {
		t.Fatal(err)
	}
	want := wants(t, dirs)
	if len(want) < 18 {
		t.Fatalf("only %d want comments found; the fixtures lost their annotations", len(want))
	}
	got := map[string][]string{}
	for _, v := range vs {
		key := fmt.Sprintf("%s:%d", filepath.ToSlash(v.Pos.Filename), v.Pos.Line)
		got[key] = append(got[key], v.Message)
	}
	for key, subs := range want {
		for _, sub := range subs {
			if !slices.ContainsFunc(got[key], func(m string) bool { return strings.Contains(m, sub) }) {
				t.Errorf("%s: no violation containing %q; got %q", key, sub, got[key])
			}
		}
	}
	for key, msgs := range got {
		if len(msgs) != len(want[key]) {
			t.Errorf("%s: got %d violations, want %d: %q", key, len(msgs), len(want[key]), msgs)
		}
	}
	if t.Failed() {
		for _, v := range vs {
			t.Log(v)
		}
	}
}

// wantRE matches `// want "text"`, and `/* want "text" */` where a line
// comment would change what is checked (the doc fixture).
var wantRE = regexp.MustCompile(`(?://|/\*) want "([^"]*)"`)

// wants collects the want comments of the .go files in dirs, by file:line.
func wants(t *testing.T, dirs []string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			for i, line := range strings.Split(string(data), "\n") {
				for _, m := range wantRE.FindAllStringSubmatch(line, -1) {
					key := fmt.Sprintf("%s:%d", filepath.ToSlash(file), i+1)
					out[key] = append(out[key], m[1])
				}
			}
		}
	}
	return out
}

// Each kind of violation carries its Kind and a position that names the
// file and line, which is what the architecture test prints.
func TestViolationFields(t *testing.T) {
	vs, err := archcheck.Check(context.Background(), ".", []string{"testdata/dirty"}, archcheck.PureMachine())
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[archcheck.Kind]int{}
	for _, v := range vs {
		kinds[v.Kind]++
		if v.Package != "github.com/meshstate/meshstate/internal/archcheck/testdata/dirty" {
			t.Errorf("%v: Package = %q", v, v.Package)
		}
		if !strings.HasPrefix(v.String(), "testdata/dirty/") || v.Pos.Line == 0 {
			t.Errorf("String() = %q, want testdata/dirty/FILE:LINE:COL: ...", v)
		}
	}
	for _, k := range []archcheck.Kind{archcheck.KindDep, archcheck.KindImport, archcheck.KindRef, archcheck.KindGoroutine} {
		if kinds[k] == 0 {
			t.Errorf("no violation of kind %q", k)
		}
	}
}

// The zero Rules allow everything, so the dirty fixture passes them.
func TestZeroRules(t *testing.T) {
	vs, err := archcheck.Check(context.Background(), ".", []string{"testdata/dirty"}, archcheck.Rules{})
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 0 {
		t.Errorf("zero Rules reported %v", vs)
	}
}

// A directory that is not a package is an error, not a silent pass.
func TestMissingPackage(t *testing.T) {
	_, err := archcheck.Check(context.Background(), ".", []string{"testdata/nonexistent"}, archcheck.PureMachine())
	if err == nil {
		t.Fatal("Check of a missing directory succeeded")
	}
}

func TestPackageDirs(t *testing.T) {
	root := t.TempDir()
	for name, content := range map[string]string{
		"withgo/a.go":          "package withgo\n",
		"onlytest/a_test.go":   "package onlytest\n",
		"onlysub/sub/a.go":     "package sub\n",
		"ignored/_a.go":        "package ignored\n",
		"mixed/b.go":           "package mixed\n",
		"mixed/notes.txt":      "",
		"withgo/doc/readme.md": "",
	} {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := archcheck.PackageDirs(root, "withgo", "missing", "onlytest", "onlysub", "ignored", "mixed")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"withgo", "mixed"}; !slices.Equal(got, want) {
		t.Errorf("PackageDirs = %q, want %q", got, want)
	}
}
