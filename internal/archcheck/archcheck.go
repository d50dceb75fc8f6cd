// Package archcheck enforces architecture rules on Go packages: which
// packages they may depend on, which they may import directly, which
// package-level functions they may use, and whether they may start
// goroutines.
//
// It exists so that "a machine is a plain value: no goroutines, no clock, no
// randomness, no I/O" is checked by `make test` rather than by review. Package data comes from `go list -json`, so build
// constraints, module resolution and transitive dependencies are the go
// command's, not a guess; uses of functions are found in the syntax tree,
// not by matching text, so comments, strings and shadowed names do not
// count and renamed or dot imports do not hide anything.
package archcheck

import (
	"context"
	"fmt"
	"go/token"
	"path/filepath"
	"strings"
)

// Ban forbids something and says why, so that each violation explains
// itself to whoever breaks the rule.
type Ban struct {
	// Pattern is an import path, or a path ending in "/..." that matches
	// that path and every path below it (as in `go list`).
	Pattern string
	// Why is appended to each violation of the ban.
	Why string
}

// RefBan forbids using package-level functions or variables of one package:
// calling them, or referring to them in any other way (`f := time.Now`).
type RefBan struct {
	// Path is the import path of the package that declares Names.
	Path string
	// Names are the banned package-level identifiers.
	Names []string
	// Why is appended to each violation of the ban.
	Why string
}

// Rules are what Check enforces. The zero value allows everything.
type Rules struct {
	// Deps are banned as direct or transitive dependencies: a package may
	// not import them, nor import anything that depends on them.
	Deps []Ban
	// Imports are banned as direct imports only. What the package imports
	// may still use them (fmt imports os; a pure package may use fmt).
	Imports []Ban
	// Refs are banned uses of package-level identifiers in the package's
	// own files.
	Refs []RefBan
	// NoGoroutines, when not empty, bans go statements and gives the reason.
	NoGoroutines string
}

// Kind classifies a Violation.
type Kind string

// The kinds of violation, one per field of Rules.
const (
	KindDep       Kind = "dependency"
	KindImport    Kind = "import"
	KindRef       Kind = "reference"
	KindGoroutine Kind = "goroutine"
)

// Violation is one breach of the rules.
type Violation struct {
	// Package is the import path of the package that breaks the rule.
	Package string
	// Pos is where: the import spec, the reference or the go statement. Its
	// Filename is relative to the moduleDir given to Check when possible.
	// A dependency that no import spec explains (an implicit one, such as
	// cgo's) is reported at the package directory, with Line 0.
	Pos token.Position
	// Kind is which rule was broken.
	Kind Kind
	// Message says what was found and why it is banned.
	Message string
}

// String formats the violation as "file:line:col: message", the form editors
// and terminals link to the source.
func (v Violation) String() string {
	return fmt.Sprintf("%s: %s", v.Pos, v.Message)
}

// Check lists the packages in pkgDirs with `go list` run in moduleDir and
// returns every violation of rules in their non-test Go files, sorted by
// position. moduleDir is any directory of the module (normally its root);
// pkgDirs are package directories, relative to moduleDir or absolute.
// Directories named testdata are accepted: go list ignores them only in
// "./..." patterns.
//
// Only the files of the current build context (GOOS, GOARCH, build tags)
// are checked, because those are the ones go list reports.
//
// The error is non-nil if go list fails, a package cannot be loaded, or a
// file cannot be parsed; violations are never reported as errors.
func Check(ctx context.Context, moduleDir string, pkgDirs []string, rules Rules) ([]Violation, error) {
	if len(pkgDirs) == 0 {
		return nil, nil
	}
	g, targets, err := load(ctx, moduleDir, pkgDirs)
	if err != nil {
		return nil, err
	}
	var out []Violation
	for _, p := range targets {
		vs, err := checkPackage(g, p, rules)
		if err != nil {
			return nil, err
		}
		out = append(out, vs...)
	}
	relativize(out, moduleDir)
	sortViolations(out)
	return out, nil
}

// relativize shortens file names to paths relative to moduleDir, so that
// messages read "endpoint/machine.go:12:2" wherever the module is checked
// out.
func relativize(vs []Violation, moduleDir string) {
	base, err := filepath.Abs(moduleDir)
	if err != nil {
		return
	}
	for i := range vs {
		rel, err := filepath.Rel(base, vs[i].Pos.Filename)
		if err == nil && !strings.HasPrefix(rel, "..") {
			vs[i].Pos.Filename = rel
		}
	}
}

// match reports whether path matches pattern: equal to it, or, when the
// pattern ends in "/...", equal to or below the part before "/...".
func match(pattern, path string) bool {
	if base, ok := strings.CutSuffix(pattern, "/..."); ok {
		return path == base || strings.HasPrefix(path, base+"/")
	}
	return path == pattern
}
