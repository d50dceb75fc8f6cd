package archcheck

import (
	"context"
	"fmt"
	"go/importer"
	"go/token"
	"go/types"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// The kinds of violation that the API checks report.
const (
	// KindInternalType is an exported signature that names a type from an
	// internal package, which no importer outside the module can name.
	KindInternalType Kind = "internal type"
	// KindUndocumented is an exported name, field or method, or a package,
	// without a doc comment.
	KindUndocumented Kind = "undocumented"
	// KindErrorPrefix is a package-level error whose message does not start
	// with the package name and ": ".
	KindErrorPrefix Kind = "error prefix"
)

// PublicPackages returns the directories, relative to moduleDir, of the
// module's public packages: every package `go list ./...` reports in
// moduleDir except main packages, those with an "internal" path element
// and directories that hold only tests.
// Nested modules are not included, as go list leaves them out.
func PublicPackages(ctx context.Context, moduleDir string) ([]string, error) {
	base, err := filepath.Abs(moduleDir)
	if err != nil {
		return nil, fmt.Errorf("archcheck: %w", err)
	}
	var out []string
	err = goList(ctx, moduleDir, []string{"list", "-e", "-json=ImportPath,Name,Dir,GoFiles,CgoFiles,Error", "./..."}, func(p *listedPackage) error {
		if p.Error != nil {
			return fmt.Errorf("archcheck: package %s: %s", p.ImportPath, p.Error.Err)
		}
		if p.Name == "main" || isInternal(p.ImportPath) || len(p.GoFiles)+len(p.CgoFiles) == 0 {
			return nil
		}
		rel, err := filepath.Rel(base, p.Dir)
		if err != nil {
			return fmt.Errorf("archcheck: %w", err)
		}
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// isInternal reports whether an import path has an "internal" element,
// which makes it importable only from within the tree rooted at its parent.
func isInternal(path string) bool {
	return slices.Contains(strings.Split(path, "/"), "internal")
}

// exportedPackage holds the fields of `go list -export -json` that
// ExposedInternals needs.
type exportedPackage struct {
	ImportPath string
	Export     string
	DepOnly    bool
	Error      *struct{ Err string }
}

// ExposedInternals reports every place where the exported API of the
// packages in pkgDirs (relative to moduleDir, or absolute) names a type
// declared in an internal package: the parameters and results of exported
// functions and of exported methods, exported struct fields, embedded
// fields and interfaces (exported or not, since their members are
// promoted), the types of exported variables and constants, the right-hand
// side of exported type definitions and aliases (an alias to an internal
// type counts), type arguments, and type parameter constraints. Unexported
// types of the package are followed when the exported API reaches them (an
// exported function that returns an unexported type exposes that type's
// exported methods and fields); types of other packages are not, as each
// public package is checked on its own.
//
// The packages are type-checked by the go command (`go list -export`) and
// read from their export data with go/importer, so what is checked is what
// an importer sees, in the current build context.
func ExposedInternals(ctx context.Context, moduleDir string, pkgDirs []string) ([]Violation, error) {
	if len(pkgDirs) == 0 {
		return nil, nil
	}
	args := []string{"list", "-e", "-export", "-deps", "-json=ImportPath,Export,DepOnly,Error", "--"}
	for _, d := range pkgDirs {
		args = append(args, listArg(d))
	}
	exports := map[string]string{}
	var targets []string
	err := goList(ctx, moduleDir, args, func(p *exportedPackage) error {
		if p.Error != nil {
			return fmt.Errorf("archcheck: package %s: %s", p.ImportPath, p.Error.Err)
		}
		exports[p.ImportPath] = p.Export
		if !p.DepOnly {
			targets = append(targets, p.ImportPath)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		file, ok := exports[path]
		if !ok || file == "" {
			return nil, fmt.Errorf("archcheck: no export data for %s", path)
		}
		return os.Open(file)
	})
	var out []Violation
	for _, path := range targets {
		pkg, err := imp.Import(path)
		if err != nil {
			return nil, fmt.Errorf("archcheck: %w", err)
		}
		w := &exposure{pkg: pkg, fset: fset, seen: map[*types.TypeName]bool{}}
		scope := pkg.Scope()
		for _, name := range scope.Names() {
			obj := scope.Lookup(name)
			if !obj.Exported() {
				continue
			}
			w.object(obj)
		}
		out = append(out, w.out...)
	}
	relativize(out, moduleDir)
	sortViolations(out)
	return out, nil
}

// exposure walks the exported API of one package and records the internal
// types it names.
type exposure struct {
	pkg  *types.Package
	fset *token.FileSet
	seen map[*types.TypeName]bool // the package's own named types, walked once
	out  []Violation
}

// object walks one exported package-level object.
func (w *exposure) object(obj types.Object) {
	switch obj := obj.(type) {
	case *types.Func:
		w.typ(obj.Type(), "func "+obj.Name(), obj.Pos())
	case *types.Var:
		w.typ(obj.Type(), "var "+obj.Name(), obj.Pos())
	case *types.Const:
		w.typ(obj.Type(), "const "+obj.Name(), obj.Pos())
	case *types.TypeName:
		w.typ(obj.Type(), "type "+obj.Name(), obj.Pos())
	}
}

// report records that the API element at pos, described by where, names
// the internal type t.
func (w *exposure) report(t types.Type, obj *types.TypeName, where string, pos token.Pos) {
	w.out = append(w.out, Violation{
		Package: w.pkg.Path(),
		Pos:     w.fset.Position(pos),
		Kind:    KindInternalType,
		Message: fmt.Sprintf("%s names %s, declared in internal package %s, which importers outside the module cannot name",
			where, types.TypeString(t, w.qualifier), obj.Pkg().Path()),
	})
}

// hidden reports whether obj is declared in an internal package that the
// checked package's importers cannot import: one below an "internal"
// directory that does not also hold the checked package. For a public
// package that is any internal package; a fixture that is itself below
// internal/ may name the types of that tree.
func (w *exposure) hidden(obj *types.TypeName) bool {
	if obj.Pkg() == nil {
		return false
	}
	elems := strings.Split(obj.Pkg().Path(), "/")
	for i, e := range elems {
		if e != "internal" {
			continue
		}
		dir := strings.Join(elems[:i+1], "/")
		if p := w.pkg.Path(); p != dir && !strings.HasPrefix(p, dir+"/") {
			return true
		}
	}
	return false
}

// qualifier names other packages by their name in messages, and the
// checked package not at all.
func (w *exposure) qualifier(p *types.Package) string {
	if p == w.pkg {
		return ""
	}
	return p.Name()
}

// typ walks t, which appears in the API element described by where.
func (w *exposure) typ(t types.Type, where string, pos token.Pos) {
	switch t := t.(type) {
	case *types.Alias:
		obj := t.Obj()
		if w.hidden(obj) {
			w.report(t, obj, where, pos)
			return
		}
		for a := range t.TypeArgs().Types() {
			w.typ(a, where+", type argument", pos)
		}
		if obj.Pkg() == w.pkg && !w.seen[obj] {
			w.seen[obj] = true
			w.typeParams(t.TypeParams(), where, pos)
			w.typ(t.Rhs(), where, pos)
		}
	case *types.Named:
		obj := t.Obj()
		if w.hidden(obj) {
			w.report(t, obj, where, pos)
			return
		}
		for a := range t.TypeArgs().Types() {
			w.typ(a, where+", type argument", pos)
		}
		if obj.Pkg() != w.pkg || w.seen[obj] {
			return
		}
		w.seen[obj] = true
		origin := t.Origin()
		w.typeParams(origin.TypeParams(), "type "+obj.Name(), obj.Pos())
		w.typ(origin.Underlying(), "type "+obj.Name(), obj.Pos())
		for m := range origin.Methods() {
			if m.Exported() {
				w.typ(m.Type(), "method "+obj.Name()+"."+m.Name(), m.Pos())
			}
		}
	case *types.Pointer:
		w.typ(t.Elem(), where, pos)
	case *types.Slice:
		w.typ(t.Elem(), where, pos)
	case *types.Array:
		w.typ(t.Elem(), where, pos)
	case *types.Chan:
		w.typ(t.Elem(), where, pos)
	case *types.Map:
		w.typ(t.Key(), where, pos)
		w.typ(t.Elem(), where, pos)
	case *types.Signature:
		w.typeParams(t.TypeParams(), where, pos)
		for i, v := range slices.Collect(t.Params().Variables()) {
			name := v.Name()
			if name == "" || name == "_" {
				name = fmt.Sprintf("#%d", i+1)
			}
			w.typ(v.Type(), where+", parameter "+name, pos)
		}
		for v := range t.Results().Variables() {
			w.typ(v.Type(), where+", result", pos)
		}
	case *types.Struct:
		for f := range t.Fields() {
			if f.Embedded() || f.Exported() {
				w.typ(f.Type(), where+", field "+f.Name(), f.Pos())
			}
		}
	case *types.Interface:
		for m := range t.ExplicitMethods() {
			if m.Exported() {
				w.typ(m.Type(), where+", method "+m.Name(), m.Pos())
			}
		}
		for e := range t.EmbeddedTypes() {
			w.typ(e, where+", embedded", pos)
		}
	case *types.Union:
		for i := range t.Len() {
			w.typ(t.Term(i).Type(), where, pos)
		}
	}
}

// typeParams walks the constraints of a type parameter list.
func (w *exposure) typeParams(list *types.TypeParamList, where string, pos token.Pos) {
	for tp := range list.TypeParams() {
		w.typ(tp.Constraint(), where+", constraint of "+tp.Obj().Name(), pos)
	}
}

// sortViolations orders violations by position, then message.
func sortViolations(vs []Violation) {
	slices.SortFunc(vs, func(a, b Violation) int {
		if c := strings.Compare(a.Pos.Filename, b.Pos.Filename); c != 0 {
			return c
		}
		if c := a.Pos.Line - b.Pos.Line; c != 0 {
			return c
		}
		if c := a.Pos.Column - b.Pos.Column; c != 0 {
			return c
		}
		return strings.Compare(a.Message, b.Message)
	})
}
