package meshstate_test

import (
	"context"
	"testing"

	"github.com/meshstate/meshstate/internal/archcheck"
)

// publicPackages lists the module's public packages (not main, no
// "internal" path element), failing the test if there are none.
func publicPackages(t *testing.T) []string {
	t.Helper()
	dirs, err := archcheck.PublicPackages(context.Background(), ".")
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 10 {
		t.Fatalf("only %d public packages found (%q): the test would check too little", len(dirs), dirs)
	}
	return dirs
}

// report fails t with every violation.
func report(t *testing.T, vs []archcheck.Violation) {
	t.Helper()
	for _, v := range vs {
		t.Error(v)
	}
}

// TestNoInternalTypesInAPI enforces that no exported signature of a public
// package names a type from an internal package: a user in another module
// could not name it, so could only poke at its fields. The kube module runs
// the same check in its own test.
func TestNoInternalTypesInAPI(t *testing.T) {
	dirs := publicPackages(t)
	vs, err := archcheck.ExposedInternals(context.Background(), ".", dirs)
	if err != nil {
		t.Fatal(err)
	}
	report(t, vs)
}

// TestDocComments enforces that `go doc` of every public package shows a
// doc comment on every exported name, method, struct field and interface
// method, and a package comment. The kube module runs the same check.
func TestDocComments(t *testing.T) {
	dirs := publicPackages(t)
	vs, err := archcheck.Undocumented(context.Background(), ".", dirs)
	if err != nil {
		t.Fatal(err)
	}
	report(t, vs)
}

// TestErrorPrefix enforces the error-prefix convention of the package doc
// on the sentinel errors of every public package: each message starts with
// the package name and ": ". The kube module runs the same check.
func TestErrorPrefix(t *testing.T) {
	dirs := publicPackages(t)
	vs, err := archcheck.ErrorPrefixes(context.Background(), ".", dirs)
	if err != nil {
		t.Fatal(err)
	}
	report(t, vs)
}
