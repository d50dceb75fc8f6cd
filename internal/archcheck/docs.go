package archcheck

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// parsedPackage is one target package's non-test files, parsed with
// comments.
type parsedPackage struct {
	*listedPackage
	fset  *token.FileSet
	files []*ast.File
}

// parse lists pkgDirs and parses their non-test Go files with comments.
func parse(ctx context.Context, moduleDir string, pkgDirs []string) ([]parsedPackage, error) {
	_, targets, err := load(ctx, moduleDir, pkgDirs)
	if err != nil {
		return nil, err
	}
	var out []parsedPackage
	for _, p := range targets {
		pp := parsedPackage{listedPackage: p, fset: token.NewFileSet()}
		for _, name := range slices.Concat(p.GoFiles, p.CgoFiles) {
			f, err := parser.ParseFile(pp.fset, filepath.Join(p.Dir, name), nil, parser.ParseComments|parser.SkipObjectResolution)
			if err != nil {
				return nil, fmt.Errorf("archcheck: %w", err)
			}
			pp.files = append(pp.files, f)
		}
		out = append(out, pp)
	}
	return out, nil
}

// Undocumented reports what `go doc` would show without a doc comment in
// the packages in pkgDirs (relative to moduleDir, or absolute): a package
// without a package comment; an exported function, type, variable or
// constant; an exported method of an exported type; an exported field of a
// struct type, at any depth, of an exported type; and an exported method
// or an embedded type of an exported interface type.
//
// A comment counts if it is the element's doc comment or its trailing line
// comment. A constant or variable in a parenthesized group counts when the
// group has a doc comment, as go doc prints the group with it, and so does
// a type in a group of one. A field that declares several names (A, B int)
// shares one comment. go/parser keeps no doc comment for a type-set
// element of an interface (*A | *B), so such an element needs a line
// comment.
func Undocumented(ctx context.Context, moduleDir string, pkgDirs []string) ([]Violation, error) {
	if len(pkgDirs) == 0 {
		return nil, nil
	}
	pkgs, err := parse(ctx, moduleDir, pkgDirs)
	if err != nil {
		return nil, err
	}
	var out []Violation
	for _, p := range pkgs {
		add := func(pos token.Pos, format string, args ...any) {
			out = append(out, Violation{Package: p.ImportPath, Pos: p.fset.Position(pos), Kind: KindUndocumented, Message: fmt.Sprintf(format, args...)})
		}
		if !slices.ContainsFunc(p.files, func(f *ast.File) bool { return f.Doc != nil }) {
			out = append(out, Violation{
				Package: p.ImportPath, Pos: token.Position{Filename: p.Dir}, Kind: KindUndocumented,
				Message: fmt.Sprintf("package %s has no package comment", p.Name),
			})
		}
		for _, f := range p.files {
			undocumentedFile(f, add)
		}
	}
	relativize(out, moduleDir)
	sortViolations(out)
	return out, nil
}

// undocumentedFile reports the undocumented exported declarations of f.
func undocumentedFile(f *ast.File, add func(pos token.Pos, format string, args ...any)) {
	for _, decl := range f.Decls {
		switch decl := decl.(type) {
		case *ast.FuncDecl:
			if !decl.Name.IsExported() {
				continue
			}
			if decl.Recv == nil {
				if decl.Doc == nil {
					add(decl.Name.Pos(), "func %s has no doc comment", decl.Name.Name)
				}
				continue
			}
			recv := receiverName(decl.Recv)
			if ast.IsExported(recv) && decl.Doc == nil {
				add(decl.Name.Pos(), "method %s.%s has no doc comment", recv, decl.Name.Name)
			}
		case *ast.GenDecl:
			groupDoc := decl.Doc != nil && (decl.Tok != token.TYPE || len(decl.Specs) == 1)
			for _, spec := range decl.Specs {
				switch spec := spec.(type) {
				case *ast.ValueSpec:
					documented := groupDoc || spec.Doc != nil || spec.Comment != nil
					for _, n := range spec.Names {
						if n.IsExported() && !documented {
							add(n.Pos(), "%s %s has no doc comment", decl.Tok, n.Name)
						}
					}
				case *ast.TypeSpec:
					if !spec.Name.IsExported() {
						continue
					}
					if !groupDoc && spec.Doc == nil && spec.Comment == nil {
						add(spec.Name.Pos(), "type %s has no doc comment", spec.Name.Name)
					}
					undocumentedMembers(spec.Name.Name, spec.Type, add)
				}
			}
		}
	}
}

// undocumentedMembers reports the undocumented exported fields and
// interface members of t, a type expression of the exported type named
// owner, descending into struct types nested in it.
func undocumentedMembers(owner string, t ast.Expr, add func(pos token.Pos, format string, args ...any)) {
	ast.Inspect(t, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncType:
			return false // parameters and results are not fields
		case *ast.StructType:
			for _, field := range n.Fields.List {
				documented := field.Doc != nil || field.Comment != nil
				if len(field.Names) == 0 {
					if name := embeddedName(field.Type); ast.IsExported(name) && !documented {
						add(field.Type.Pos(), "embedded field %s of %s has no doc comment", name, owner)
					}
				}
				for _, name := range field.Names {
					if name.IsExported() && !documented {
						add(name.Pos(), "field %s of %s has no doc comment", name.Name, owner)
					}
				}
			}
		case *ast.InterfaceType:
			for _, m := range n.Methods.List {
				documented := m.Doc != nil || m.Comment != nil
				if len(m.Names) == 0 {
					if !documented {
						add(m.Type.Pos(), "embedded %s of interface %s has no doc comment", exprString(m.Type), owner)
					}
					continue
				}
				for _, name := range m.Names {
					if name.IsExported() && !documented {
						add(name.Pos(), "method %s of interface %s has no doc comment", name.Name, owner)
					}
				}
			}
		}
		return true
	})
}

// exprString renders a type expression briefly, for messages.
func exprString(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return exprString(e.X) + "." + e.Sel.Name
	case *ast.StarExpr:
		return "*" + exprString(e.X)
	case *ast.IndexExpr:
		return exprString(e.X) + "[...]"
	case *ast.IndexListExpr:
		return exprString(e.X) + "[...]"
	case *ast.BinaryExpr:
		return exprString(e.X) + " " + e.Op.String() + " " + exprString(e.Y)
	case *ast.UnaryExpr:
		return e.Op.String() + exprString(e.X)
	}
	return fmt.Sprintf("%T", e)
}

// embeddedName is the field name an embedded type gives: T for T, *T,
// p.T and T[X].
func embeddedName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return e.Sel.Name
	case *ast.StarExpr:
		return embeddedName(e.X)
	case *ast.IndexExpr:
		return embeddedName(e.X)
	case *ast.IndexListExpr:
		return embeddedName(e.X)
	}
	return ""
}

// receiverName is the name of a method's receiver type.
func receiverName(recv *ast.FieldList) string {
	if len(recv.List) == 0 {
		return ""
	}
	return embeddedName(recv.List[0].Type)
}

// ErrorPrefixes reports the sentinel errors of the packages in pkgDirs
// (relative to moduleDir, or absolute) whose message does not start with
// the package name and ": " ("ipam: pool full"), so that a message read in
// a log names the package it came from. Where the name alone is shared
// (routes/kernel and cni/kernel are both package kernel), the last elements
// of the import path may stand for it: "routes/kernel: nil handle". A sentinel is a package-level
// variable initialized by errors.New or fmt.Errorf with a literal message.
func ErrorPrefixes(ctx context.Context, moduleDir string, pkgDirs []string) ([]Violation, error) {
	if len(pkgDirs) == 0 {
		return nil, nil
	}
	pkgs, err := parse(ctx, moduleDir, pkgDirs)
	if err != nil {
		return nil, err
	}
	var out []Violation
	for _, p := range pkgs {
		prefixes := errorPrefixes(p.ImportPath, p.Name)
		for _, f := range p.files {
			errorsName, fmtName := importName(f, "errors"), importName(f, "fmt")
			for _, decl := range f.Decls {
				gd, ok := decl.(*ast.GenDecl)
				if !ok || gd.Tok != token.VAR {
					continue
				}
				for _, spec := range gd.Specs {
					vs := spec.(*ast.ValueSpec)
					for i, v := range vs.Values {
						msg, ok := errorMessage(v, errorsName, fmtName)
						if !ok || i >= len(vs.Names) || slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(msg, p) }) {
							continue
						}
						out = append(out, Violation{
							Package: p.ImportPath, Pos: p.fset.Position(v.Pos()), Kind: KindErrorPrefix,
							Message: fmt.Sprintf("%s is %q, which does not start with %q", vs.Names[i].Name, msg, prefixes[0]),
						})
					}
				}
			}
		}
	}
	relativize(out, moduleDir)
	sortViolations(out)
	return out, nil
}

// importName is the name under which f imports the package at path, or ""
// if it does not.
func importName(f *ast.File, path string) string {
	for _, spec := range f.Imports {
		if p, err := strconv.Unquote(spec.Path.Value); err != nil || p != path {
			continue
		}
		if spec.Name != nil {
			return spec.Name.Name
		}
		return path
	}
	return ""
}

// errorMessage returns the literal message of errors.New("...") or
// fmt.Errorf("...", ...), given the names errors and fmt are imported as.
func errorMessage(e ast.Expr, errorsName, fmtName string) (string, bool) {
	call, ok := e.(*ast.CallExpr)
	if !ok || len(call.Args) == 0 {
		return "", false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return "", false
	}
	x, ok := sel.X.(*ast.Ident)
	if !ok {
		return "", false
	}
	isErr := (x.Name == errorsName && errorsName != "" && sel.Sel.Name == "New") ||
		(x.Name == fmtName && fmtName != "" && sel.Sel.Name == "Errorf")
	if !isErr {
		return "", false
	}
	lit, ok := call.Args[0].(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	msg, err := strconv.Unquote(lit.Value)
	return msg, err == nil
}

// errorPrefixes are the prefixes an error message of the package at path,
// named name, may start with: "name: ", then "parent/name: " and so on for
// each trailing part of the path that ends in the name.
func errorPrefixes(path, name string) []string {
	out := []string{name + ": "}
	elems := strings.Split(path, "/")
	if elems[len(elems)-1] != name {
		return out
	}
	for i := len(elems) - 2; i >= 0; i-- {
		out = append(out, strings.Join(elems[i:], "/")+": ")
	}
	return out
}
