package vipbgp_test

import (
	"testing"

	"github.com/meshstate/meshstate/internal/archcheck"
)

// minPublicPackages is the module's public packages (vipbgp and
// vipbgptest): a check over fewer would be checking too little.
const minPublicPackages = 2

// TestNoInternalTypesInAPI enforces that no exported signature of a public
// package of this module names a type from an internal package: a user
// could not name it.
func TestNoInternalTypesInAPI(t *testing.T) {
	archcheck.CheckPublicAPI(t, ".", minPublicPackages, archcheck.ExposedInternals)
}

// TestDocComments enforces that `go doc` of every public package shows a
// doc comment on every exported name, method, struct field and interface
// method, and a package comment.
func TestDocComments(t *testing.T) {
	archcheck.CheckPublicAPI(t, ".", minPublicPackages, archcheck.Undocumented)
}

// TestErrorPrefix enforces the error-prefix convention on the sentinel
// errors of every public package: each message starts with the package
// name and ": ".
func TestErrorPrefix(t *testing.T) {
	archcheck.CheckPublicAPI(t, ".", minPublicPackages, archcheck.ErrorPrefixes)
}
