package archcheck_test

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/meshstate/meshstate/internal/archcheck"
)

// checkWants compares violations with the fixtures' want comments: every
// want must be matched by a violation on its line holding its text, and no
// line may have more violations than wants.
func checkWants(t *testing.T, vs []archcheck.Violation, want map[string][]string, min int) {
	t.Helper()
	if n := len(slices.Concat(slices.Collect(maps.Values(want))...)); n < min {
		t.Fatalf("only %d want comments found; the fixtures lost their annotations", n)
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

// The leaky fixture names an internal package's types in every way the
// check must catch, and in ways it must not report.
func TestExposedInternalsFixture(t *testing.T) {
	dirs := []string{"testdata/api/leaky"}
	vs, err := archcheck.ExposedInternals(context.Background(), ".", dirs)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		if v.Kind != archcheck.KindInternalType {
			t.Errorf("%v: Kind = %q", v, v.Kind)
		}
	}
	checkWants(t, vs, wants(t, dirs), 17)
}

// The undoc fixture leaves out every kind of doc comment the check asks
// for, and documents the rest in each way it accepts.
func TestUndocumentedFixture(t *testing.T) {
	dirs := []string{"testdata/undoc"}
	vs, err := archcheck.Undocumented(context.Background(), ".", dirs)
	if err != nil {
		t.Fatal(err)
	}
	var rest []archcheck.Violation
	pkgComment := 0
	for _, v := range vs {
		if v.Kind != archcheck.KindUndocumented {
			t.Errorf("%v: Kind = %q", v, v.Kind)
		}
		if strings.Contains(v.Message, "has no package comment") {
			pkgComment++
			continue
		}
		rest = append(rest, v)
	}
	if pkgComment != 1 {
		t.Errorf("%d package-comment violations, want 1: %v", pkgComment, vs)
	}
	checkWants(t, rest, wants(t, dirs), 12)
}

// A package with a package comment in any one file passes that part.
func TestUndocumentedPackageComment(t *testing.T) {
	vs, err := archcheck.Undocumented(context.Background(), ".", []string{"testdata/api/leaky"})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		if strings.Contains(v.Message, "package comment") {
			t.Errorf("leaky has a package comment, got %v", v)
		}
	}
}

// The errprefix fixture's sentinels are marked where they break the
// convention.
func TestErrorPrefixesFixture(t *testing.T) {
	dirs := []string{"testdata/errprefix"}
	vs, err := archcheck.ErrorPrefixes(context.Background(), ".", dirs)
	if err != nil {
		t.Fatal(err)
	}
	checkWants(t, vs, wants(t, dirs), 4)
}

// The public packages of this module exclude internal and main packages,
// and include the machines.
func TestPublicPackages(t *testing.T) {
	dirs, err := archcheck.PublicPackages(context.Background(), "../..")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{".", "ipam", "routes/kernel", "retry"} {
		if !slices.Contains(dirs, want) {
			t.Errorf("PublicPackages lacks %q: %q", want, dirs)
		}
	}
	for _, d := range dirs {
		if strings.Contains("/"+d+"/", "/internal/") || strings.HasPrefix(d, "examples") {
			t.Errorf("PublicPackages includes %q", d)
		}
	}
}
