package archcheck

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// checkPackage applies rules to one target package of g.
func checkPackage(g graph, p *listedPackage, rules Rules) ([]Violation, error) {
	fset := token.NewFileSet()
	var out []Violation
	add := func(pos token.Pos, kind Kind, format string, args ...any) {
		out = append(out, Violation{Package: p.ImportPath, Pos: fset.Position(pos), Kind: kind, Message: fmt.Sprintf(format, args...)})
	}
	explained := map[string]bool{} // Deps patterns reported at an import spec
	for _, name := range slices.Concat(p.GoFiles, p.CgoFiles) {
		// Object resolution is skipped: it is deprecated, and the reference
		// walker keeps its own scopes for the few names it cares about.
		f, err := parser.ParseFile(fset, filepath.Join(p.Dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, fmt.Errorf("archcheck: %w", err)
		}
		for _, spec := range f.Imports {
			checkImport(g, p, spec, rules, explained, add)
		}
		walkRefs(f, refBindings(g, p, f, rules.Refs), rules.NoGoroutines, add)
	}
	// A dependency can arrive without an import spec to blame (cgo adds
	// runtime/cgo); report it at the package rather than let it pass.
	for _, ban := range rules.Deps {
		if explained[ban.Pattern] {
			continue
		}
		if i := slices.IndexFunc(p.Deps, func(d string) bool { return match(ban.Pattern, d) }); i >= 0 {
			out = append(out, Violation{
				Package: p.ImportPath, Pos: token.Position{Filename: p.Dir}, Kind: KindDep,
				Message: fmt.Sprintf("depends on %s: %s", p.Deps[i], ban.Why),
			})
		}
	}
	return out, nil
}

// addFunc records a violation at pos; checkPackage supplies it, bound to
// the package and its file set.
type addFunc func(pos token.Pos, kind Kind, format string, args ...any)

// checkImport reports the bans one import spec breaks: a banned package
// imported directly, or an import that leads to a banned dependency, with
// the chain that leads there so the fix is obvious.
func checkImport(g graph, p *listedPackage, spec *ast.ImportSpec, rules Rules, explained map[string]bool, add addFunc) {
	src, err := strconv.Unquote(spec.Path.Value)
	if err != nil {
		return // the parser accepted it, so this cannot happen
	}
	imp := p.resolve(src)
	for _, ban := range rules.Deps {
		if match(ban.Pattern, imp) {
			explained[ban.Pattern] = true
			add(spec.Pos(), KindDep, "imports %s: %s", imp, ban.Why)
			return
		}
	}
	for _, ban := range rules.Imports {
		if match(ban.Pattern, imp) {
			add(spec.Pos(), KindImport, "imports %s: %s", imp, ban.Why)
			break
		}
	}
	for _, ban := range rules.Deps {
		if chain := g.pathTo(imp, ban.Pattern); chain != nil {
			explained[ban.Pattern] = true
			add(spec.Pos(), KindDep, "imports %s, which depends on %s (%s): %s",
				imp, chain[len(chain)-1], strings.Join(chain, " -> "), ban.Why)
		}
	}
}

// refBindings returns, for file f of package p, the banned names reachable
// through each import: under the name the file gives the import (its
// package name unless renamed), or bare for a dot import (key ".").
func refBindings(g graph, p *listedPackage, f *ast.File, bans []RefBan) bindings {
	b := bindings{}
	for _, spec := range f.Imports {
		src, err := strconv.Unquote(spec.Path.Value)
		if err != nil {
			continue
		}
		imp := p.resolve(src)
		for _, ban := range bans {
			if ban.Path != imp {
				continue
			}
			local := packageName(g, imp)
			if spec.Name != nil {
				local = spec.Name.Name
			}
			if local == "_" {
				continue
			}
			if b[local] == nil {
				b[local] = map[string]banned{}
			}
			for _, n := range ban.Names {
				b[local][n] = banned{qualified: imp + "." + n, why: ban.Why}
			}
		}
	}
	return b
}

// packageName is the name a package declares, which is what an unrenamed
// import binds; go list knows it, and the last path element (without a
// major-version suffix) is the convention when it does not.
func packageName(g graph, imp string) string {
	if p, ok := g[imp]; ok && p.Name != "" {
		return p.Name
	}
	base := path.Base(imp)
	if len(base) > 1 && base[0] == 'v' && strings.Trim(base[1:], "0123456789") == "" {
		base = path.Base(path.Dir(imp))
	}
	return base
}
