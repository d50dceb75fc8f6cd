package meshstate_test

import (
	"testing"

	"github.com/meshstate/meshstate/internal/archcheck"
)

// minPublicPackages is fewer than the module's public packages: a check
// over fewer would be checking too little.
const minPublicPackages = 10

// TestNoInternalTypesInAPI enforces that no exported signature of a public
// package names a type from an internal package: a user in another module
// could not name it, so could only poke at its fields. The kube module runs
// the same check in its own test.
func TestNoInternalTypesInAPI(t *testing.T) {
	archcheck.CheckPublicAPI(t, ".", minPublicPackages, archcheck.ExposedInternals)
}

// TestDocComments enforces that `go doc` of every public package shows a
// doc comment on every exported name, method, struct field and interface
// method, and a package comment. The kube module runs the same check.
func TestDocComments(t *testing.T) {
	archcheck.CheckPublicAPI(t, ".", minPublicPackages, archcheck.Undocumented)
}

// TestErrorPrefix enforces the error-prefix convention of the package doc
// on the sentinel errors of every public package: each message starts with
// the package name and ": ". The kube module runs the same check.
func TestErrorPrefix(t *testing.T) {
	archcheck.CheckPublicAPI(t, ".", minPublicPackages, archcheck.ErrorPrefixes)
}
