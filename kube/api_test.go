package kube_test

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
	if len(dirs) < 3 {
		t.Fatalf("only %d public packages found (%q): the test would check too little", len(dirs), dirs)
	}
	return dirs
}

// TestNoInternalTypesInAPI enforces that no exported signature of a public
// package of this module names a type from an internal package (of this
// module or the root one): a user could not name it.
func TestNoInternalTypesInAPI(t *testing.T) {
	vs, err := archcheck.ExposedInternals(context.Background(), ".", publicPackages(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		t.Error(v)
	}
}

// TestDocComments enforces that `go doc` of every public package shows a
// doc comment on every exported name, method, struct field and interface
// method, and a package comment.
func TestDocComments(t *testing.T) {
	vs, err := archcheck.Undocumented(context.Background(), ".", publicPackages(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		t.Error(v)
	}
}

// TestErrorPrefix enforces the error-prefix convention (see the root
// package doc) on the sentinel errors of every public package: each
// message starts with the package name and ": ".
func TestErrorPrefix(t *testing.T) {
	vs, err := archcheck.ErrorPrefixes(context.Background(), ".", publicPackages(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		t.Error(v)
	}
}
