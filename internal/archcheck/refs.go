package archcheck

import (
	"go/ast"
	"go/token"
)

// banned is one banned identifier as seen from a file.
type banned struct {
	qualified string // "time.Now", for messages
	why       string
}

// bindings maps a file's local name for an import ("time", or "t" for
// `t "time"`, or "." for a dot import) to the banned identifiers it reaches.
type bindings map[string]map[string]banned

// walkRefs reports every use of a banned identifier in f and, when noGo is
// not empty, every go statement.
//
// Without type information a name is resolved by scope: an identifier
// refers to the import unless a declaration in an enclosing function or
// block shadows it. Package-level declarations cannot shadow an import (the
// compiler rejects that), so only local scopes are tracked. The one blind
// spot is a map literal whose key is a bare dot-imported function
// (map[func() Time]int{Now: 1}): bare keys in composite literals are taken
// for struct field names.
func walkRefs(f *ast.File, b bindings, noGo string, add addFunc) {
	if len(b) == 0 && noGo == "" {
		return
	}
	w := &refWalker{b: b, noGo: noGo, add: add}
	for _, d := range f.Decls {
		ast.Walk(w.visitor(nil), d)
	}
}

type refWalker struct {
	b    bindings
	noGo string
	add  addFunc
}

// scope is one function or block scope; names holds only the declarations
// that can shadow something the walker looks for.
type scope struct {
	parent *scope
	names  map[string]bool
}

func (s *scope) shadows(name string) bool {
	for ; s != nil; s = s.parent {
		if s.names[name] {
			return true
		}
	}
	return false
}

// visitor is an ast.Visitor bound to the current scope.
type visitor struct {
	w *refWalker
	s *scope
}

func (w *refWalker) visitor(parent *scope) visitor {
	return visitor{w: w, s: &scope{parent: parent, names: map[string]bool{}}}
}

// declare records a local declaration if it can shadow an import name or a
// dot-imported banned name.
func (v visitor) declare(id *ast.Ident) {
	if id == nil {
		return
	}
	if _, ok := v.w.b[id.Name]; ok {
		v.s.names[id.Name] = true
	}
	if _, ok := v.w.b["."][id.Name]; ok {
		v.s.names[id.Name] = true
	}
}

func (v visitor) declareFields(fl *ast.FieldList) {
	if fl == nil {
		return
	}
	for _, f := range fl.List {
		for _, id := range f.Names {
			v.declare(id)
		}
	}
}

func (v visitor) walk(nodes ...ast.Node) {
	for _, n := range nodes {
		if n != nil && !isNilNode(n) {
			ast.Walk(v, n)
		}
	}
}

// isNilNode catches typed nil pointers stored in ast.Node (an absent
// *ast.FieldList, say), which ast.Walk would dereference.
func isNilNode(n ast.Node) bool {
	switch n := n.(type) {
	case *ast.FieldList:
		return n == nil
	case *ast.BlockStmt:
		return n == nil
	case *ast.Ident:
		return n == nil
	}
	return false
}

// Visit handles the nodes that reference, declare or scope names; every
// other node is walked with the same visitor.
func (v visitor) Visit(n ast.Node) ast.Visitor {
	switch n := n.(type) {
	case *ast.GoStmt:
		if v.w.noGo != "" {
			v.w.add(n.Pos(), KindGoroutine, "starts a goroutine: %s", v.w.noGo)
		}
	case *ast.SelectorExpr:
		if id, ok := n.X.(*ast.Ident); ok && !v.s.shadows(id.Name) {
			if bn, ok := v.w.b[id.Name][n.Sel.Name]; ok {
				v.w.add(n.Pos(), KindRef, "uses %s: %s", bn.qualified, bn.why)
			}
		}
		v.walk(n.X) // Sel is a field, method or package member, never a local name
		return nil
	case *ast.Ident:
		if bn, ok := v.w.b["."][n.Name]; ok && !v.s.shadows(n.Name) {
			v.w.add(n.Pos(), KindRef, "uses %s (dot import): %s", bn.qualified, bn.why)
		}
		return nil
	case *ast.FuncDecl:
		inner := v.w.visitor(v.s)
		inner.declareFields(n.Recv)
		inner.declareFields(n.Type.TypeParams)
		inner.declareFields(n.Type.Params)
		inner.declareFields(n.Type.Results)
		v.walk(n.Recv, n.Type)
		inner.walk(n.Body)
		return nil
	case *ast.FuncLit:
		inner := v.w.visitor(v.s)
		inner.declareFields(n.Type.Params)
		inner.declareFields(n.Type.Results)
		v.walk(n.Type)
		inner.walk(n.Body)
		return nil
	case *ast.Field:
		// Names are declarations (parameters, handled by the function) or
		// struct fields and interface methods, which are not references.
		v.walk(n.Type)
		return nil
	case *ast.BlockStmt, *ast.IfStmt, *ast.ForStmt, *ast.SwitchStmt,
		*ast.TypeSwitchStmt, *ast.SelectStmt, *ast.CaseClause, *ast.CommClause:
		return v.w.visitor(v.s)
	case *ast.AssignStmt:
		// The right side is evaluated before `:=` declares the left side:
		// in `time := time.Now()` the call still reaches the package.
		for _, e := range n.Rhs {
			v.walk(e)
		}
		for _, e := range n.Lhs {
			if id, ok := e.(*ast.Ident); ok && n.Tok == token.DEFINE {
				v.declare(id)
			} else {
				v.walk(e)
			}
		}
		return nil
	case *ast.RangeStmt:
		v.walk(n.X)
		inner := v.w.visitor(v.s)
		for _, e := range []ast.Expr{n.Key, n.Value} {
			if id, ok := e.(*ast.Ident); ok && n.Tok == token.DEFINE {
				inner.declare(id)
			} else if e != nil {
				v.walk(e)
			}
		}
		inner.walk(n.Body)
		return nil
	case *ast.ValueSpec:
		// At package level the names cannot shadow (see walkRefs); inside
		// a function (via DeclStmt) they shadow from the next statement on.
		v.walk(n.Type)
		for _, e := range n.Values {
			v.walk(e)
		}
		if v.s.parent != nil {
			for _, id := range n.Names {
				v.declare(id)
			}
		}
		return nil
	case *ast.TypeSpec:
		if v.s.parent != nil {
			v.declare(n.Name)
		}
		v.walk(n.TypeParams, n.Type)
		return nil
	case *ast.KeyValueExpr:
		if _, ok := n.Key.(*ast.Ident); !ok {
			v.walk(n.Key)
		}
		v.walk(n.Value)
		return nil
	case *ast.LabeledStmt:
		v.walk(n.Stmt)
		return nil
	case *ast.BranchStmt, *ast.ImportSpec:
		return nil
	}
	return v
}
