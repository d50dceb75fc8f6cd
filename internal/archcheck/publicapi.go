package archcheck

import (
	"context"
	"testing"
)

// APICheck is one of the checks over a module's public packages:
// ExposedInternals, Undocumented or ErrorPrefixes.
type APICheck func(ctx context.Context, moduleDir string, pkgDirs []string) ([]Violation, error)

// CheckPublicAPI runs check over the public packages of the module in
// moduleDir, the way each module's API tests do: it fails t if fewer than
// atLeast packages are found (the test would check too little), and
// reports every violation as an error.
func CheckPublicAPI(t testing.TB, moduleDir string, atLeast int, check APICheck) {
	t.Helper()
	ctx := context.Background()
	dirs, err := PublicPackages(ctx, moduleDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < atLeast {
		t.Fatalf("only %d public packages found (%q): the test would check too little", len(dirs), dirs)
	}
	vs, err := check(ctx, moduleDir, dirs)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		t.Error(v)
	}
}
