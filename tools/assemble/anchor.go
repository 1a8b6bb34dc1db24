package main

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// Anchor names the place of an insertion by Go identifiers, so that it
// survives upstream reformatting, moved code and renumbered lines, and fails
// loudly when the named code is gone or ambiguous.
//
// An anchor is either a type declaration, optionally narrowed to a field
// (Field is a path through nested anonymous structs), or a function or
// method, optionally narrowed to a statement of its body, or a package-level
// variable, or the whole top-level declaration of a name (Decl: a var or
// const group, say), or an import, or a row of a table in the file's
// package doc comment, named by its first cell (see doctable.go).
type Anchor struct {
	Type     string     // a named type declared at the top level of the file
	Field    []string   // with Type: field names, outermost first
	Func     string     // "NewConfig" for a function, "(*Config).Validate" for a method
	Stmt     *StmtMatch // with Func: one statement of its body
	Var      string     // a variable declared at the top level of the file
	Decl     string     // a name declared at the top level: its whole declaration
	Import   string     // an import path: its import spec
	TableRow string     // the first cell of a row of a table in the package doc comment
}

// StmtKind is the shape of statement a StmtMatch looks for.
type StmtKind int

const (
	// assignsTo: an assignment (=, +=, ...) with Name among its left-hand
	// sides, written as in the source: "b.compressedRecords".
	assignsTo StmtKind = iota + 1
	// defines: a short variable declaration or var declaration of the
	// identifier Name.
	defines
	// ifMentions: an if statement whose condition, or the simple statement
	// before it (if x := f(); x > 0), uses the identifier Name.
	ifMentions
	// calls: a statement that is a call of the function or method Name,
	// written as in the source ("p.metricsRegistry.UnregisterAll"), or that
	// assigns the result of one ("err := broker.AsyncProduce(...)").
	calls
	// mentions: a simple statement (one without a block of its own: a
	// call, an assignment, a declaration, a return...) in which the
	// identifier or selector Name appears, written as in the source
	// ("zstdDropFailed", "b.zstd.pool").
	mentions
	// ifWith: an if statement whose block holds, directly, a statement
	// that Inner matches.
	ifWith
)

// StmtMatch selects statements of a function body. Only statements that
// stand in a statement list (a block or a case body) are candidates, since an
// insertion before or after them must be a statement of its own.
type StmtMatch struct {
	Kind  StmtKind
	Name  string
	Inner *StmtMatch // for ifWith
}

// AssignsTo matches an assignment to the expression lhs, e.g. "c.Producer.Timeout".
func AssignsTo(lhs string) *StmtMatch { return &StmtMatch{Kind: assignsTo, Name: lhs} }

// Defines matches the declaration (:= or var) of the variable name.
func Defines(name string) *StmtMatch { return &StmtMatch{Kind: defines, Name: name} }

// IfMentions matches an if statement whose condition, or the statement
// before it, uses the identifier name.
func IfMentions(name string) *StmtMatch { return &StmtMatch{Kind: ifMentions, Name: name} }

// Calls matches a statement that calls fn, alone or assigning its result,
// e.g. "p.registry.Close".
func Calls(fn string) *StmtMatch { return &StmtMatch{Kind: calls, Name: fn} }

// Mentions matches a simple statement (no block of its own) in which the
// identifier or selector expr appears, e.g. "zstdDropFailed".
func Mentions(expr string) *StmtMatch { return &StmtMatch{Kind: mentions, Name: expr} }

// IfWith matches an if statement whose block holds a statement that inner
// matches, e.g. IfWith(AssignsTo("pool")).
func IfWith(inner *StmtMatch) *StmtMatch { return &StmtMatch{Kind: ifWith, Inner: inner} }

func (m *StmtMatch) String() string {
	switch m.Kind {
	case mentions:
		return "statement mentioning " + m.Name
	case ifWith:
		return "if statement with a " + m.Inner.String()
	case assignsTo:
		return "statement assigning to " + m.Name
	case defines:
		return "statement defining " + m.Name
	case ifMentions:
		return "if statement whose condition mentions " + m.Name
	case calls:
		return "call of " + m.Name
	}
	return fmt.Sprintf("statement of unknown kind %d", m.Kind)
}

// String reads innermost first, as in "field Producer.CompressionLevel of
// type Config" or "statement defining p in func newAsyncProducer".
func (a Anchor) String() string {
	var outer string
	switch {
	case a.TableRow != "":
		return "table row `" + a.TableRow + "` in the package doc comment"
	case a.Var != "":
		return "var " + a.Var
	case a.Decl != "":
		return "declaration of " + a.Decl
	case a.Import != "":
		return "import " + a.Import
	case a.Type != "":
		outer = "type " + a.Type
	case strings.HasPrefix(a.Func, "("):
		outer = "method " + a.Func
	default:
		outer = "func " + a.Func
	}
	switch {
	case len(a.Field) > 0:
		return "field " + strings.Join(a.Field, ".") + " of " + outer
	case a.Stmt != nil:
		return a.Stmt.String() + " in " + outer
	}
	return outer
}

// validate rejects anchors that mix the two forms or leave them incomplete;
// such an anchor is a mistake in edits.go, not an upstream change.
func (a Anchor) validate() error {
	forms := 0
	for _, set := range []bool{a.TableRow != "", a.Var != "", a.Decl != "", a.Import != "", a.Type != "" || a.Func != "" || len(a.Field) > 0 || a.Stmt != nil} {
		if set {
			forms++
		}
	}
	switch {
	case forms > 1:
		return fmt.Errorf("anchor %q names more than one of a table row, a variable, a declaration, an import and a type or function", a)
	case a.TableRow != "" || a.Var != "" || a.Decl != "" || a.Import != "":
		return nil
	case a.Type != "" && a.Func != "":
		return fmt.Errorf("anchor %q names both a type and a function", a)
	case a.Type == "" && a.Func == "":
		return fmt.Errorf("anchor %q names neither a type nor a function", a)
	case len(a.Field) > 0 && a.Type == "":
		return fmt.Errorf("anchor %q names a field without its type", a)
	case a.Stmt != nil && a.Func == "":
		return fmt.Errorf("anchor %q names a statement without its function", a)
	}
	return nil
}

// countError says which step of an anchor did not find exactly one node.
type countError struct {
	what  string
	count int
}

func (e *countError) Error() string {
	return fmt.Sprintf("%s found %d times, want exactly once", e.what, e.count)
}

// locate returns the one node of f that a names: an *ast.GenDecl for a
// type, an *ast.Field, an *ast.FuncDecl, an ast.Stmt, for a variable its
// *ast.ValueSpec inside a parenthesized var declaration and its
// *ast.GenDecl otherwise, for a Decl its *ast.GenDecl or *ast.FuncDecl, for
// an Import its *ast.ImportSpec. Each step must match exactly once;
// otherwise the *countError names the step.
func (a Anchor) locate(f *ast.File) (ast.Node, error) {
	if err := a.validate(); err != nil {
		return nil, err
	}
	switch {
	case a.TableRow != "":
		return nil, fmt.Errorf("anchor %q is not Go code", a)
	case a.Var != "":
		return a.locateVar(f)
	case a.Decl != "":
		return a.locateDecl(f)
	case a.Import != "":
		return a.locateImport(f)
	case a.Type != "":
		return a.locateType(f)
	}
	return a.locateFunc(f)
}

func (a Anchor) locateVar(f *ast.File) (ast.Node, error) {
	var found []ast.Node
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			continue
		}
		for _, s := range gd.Specs {
			vs := s.(*ast.ValueSpec)
			for _, n := range vs.Names {
				if n.Name != a.Var {
					continue
				}
				if gd.Lparen.IsValid() {
					found = append(found, vs)
				} else {
					found = append(found, gd)
				}
			}
		}
	}
	if len(found) != 1 {
		return nil, &countError{"var " + a.Var, len(found)}
	}
	return found[0], nil
}

// locateDecl finds the top-level declaration that declares a.Decl: a
// function (not a method), or the whole type, var or const declaration,
// parenthesized group included, that names it.
func (a Anchor) locateDecl(f *ast.File) (ast.Node, error) {
	var found []ast.Node
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil && d.Name.Name == a.Decl {
				found = append(found, d)
			}
		case *ast.GenDecl:
			if genDeclNames(d, a.Decl) {
				found = append(found, d)
			}
		}
	}
	if len(found) != 1 {
		return nil, &countError{"declaration of " + a.Decl, len(found)}
	}
	return found[0], nil
}

// genDeclNames reports whether the type, var or const declaration d
// declares name.
func genDeclNames(d *ast.GenDecl, name string) bool {
	for _, s := range d.Specs {
		switch s := s.(type) {
		case *ast.TypeSpec:
			if s.Name.Name == name {
				return true
			}
		case *ast.ValueSpec:
			for _, n := range s.Names {
				if n.Name == name {
					return true
				}
			}
		}
	}
	return false
}

func (a Anchor) locateImport(f *ast.File) (ast.Node, error) {
	var found []ast.Node
	for _, is := range f.Imports {
		if strings.Trim(is.Path.Value, "`\"") == a.Import {
			found = append(found, is)
		}
	}
	if len(found) != 1 {
		return nil, &countError{"import " + a.Import, len(found)}
	}
	return found[0], nil
}

func (a Anchor) locateType(f *ast.File) (ast.Node, error) {
	var decls []*ast.GenDecl
	var specs []*ast.TypeSpec
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok {
			continue
		}
		for _, s := range gd.Specs {
			if ts, ok := s.(*ast.TypeSpec); ok && ts.Name.Name == a.Type {
				decls = append(decls, gd)
				specs = append(specs, ts)
			}
		}
	}
	if len(specs) != 1 {
		return nil, &countError{"type " + a.Type, len(specs)}
	}
	if len(a.Field) == 0 {
		return decls[0], nil
	}
	typ := specs[0].Type
	var field *ast.Field
	for i, name := range a.Field {
		st, ok := typ.(*ast.StructType)
		if !ok {
			return nil, fmt.Errorf("%s is not a struct type", strings.Join(append([]string{a.Type}, a.Field[:i]...), "."))
		}
		var found []*ast.Field
		for _, fl := range st.Fields.List {
			if fieldHasName(fl, name) {
				found = append(found, fl)
			}
		}
		if len(found) != 1 {
			return nil, &countError{"field " + strings.Join(a.Field[:i+1], "."), len(found)}
		}
		field = found[0]
		typ = field.Type
	}
	return field, nil
}

// fieldHasName reports whether fl declares name; an embedded field is named
// by its type name.
func fieldHasName(fl *ast.Field, name string) bool {
	if len(fl.Names) == 0 {
		t := fl.Type
		if s, ok := t.(*ast.StarExpr); ok {
			t = s.X
		}
		if s, ok := t.(*ast.SelectorExpr); ok {
			t = s.Sel
		}
		id, ok := t.(*ast.Ident)
		return ok && id.Name == name
	}
	for _, n := range fl.Names {
		if n.Name == name {
			return true
		}
	}
	return false
}

func (a Anchor) locateFunc(f *ast.File) (ast.Node, error) {
	var funcs []*ast.FuncDecl
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && funcName(fd) == a.Func {
			funcs = append(funcs, fd)
		}
	}
	what := "func "
	if strings.HasPrefix(a.Func, "(") {
		what = "method "
	}
	if len(funcs) != 1 {
		return nil, &countError{what + a.Func, len(funcs)}
	}
	fd := funcs[0]
	if a.Stmt == nil {
		return fd, nil
	}
	if fd.Body == nil {
		return nil, fmt.Errorf("%s%s has no body", what, a.Func)
	}
	var found []ast.Stmt
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		var list []ast.Stmt
		switch n := n.(type) {
		case *ast.BlockStmt:
			list = n.List
		case *ast.CaseClause:
			list = n.Body
		case *ast.CommClause:
			list = n.Body
		}
		for _, s := range list {
			if a.Stmt.matches(s) {
				found = append(found, s)
			}
		}
		return true
	})
	if len(found) != 1 {
		return nil, &countError{a.Stmt.String(), len(found)}
	}
	return found[0], nil
}

// funcName spells a declaration the way anchors do: "f" or "(*T).m".
func funcName(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return fd.Name.Name
	}
	return "(" + types.ExprString(fd.Recv.List[0].Type) + ")." + fd.Name.Name
}

func (m *StmtMatch) matches(s ast.Stmt) bool {
	switch m.Kind {
	case assignsTo:
		as, ok := s.(*ast.AssignStmt)
		if !ok || as.Tok == token.DEFINE {
			return false
		}
		for _, lhs := range as.Lhs {
			if types.ExprString(lhs) == m.Name {
				return true
			}
		}
	case defines:
		switch s := s.(type) {
		case *ast.AssignStmt:
			if s.Tok != token.DEFINE {
				return false
			}
			for _, lhs := range s.Lhs {
				if id, ok := lhs.(*ast.Ident); ok && id.Name == m.Name {
					return true
				}
			}
		case *ast.DeclStmt:
			gd, ok := s.Decl.(*ast.GenDecl)
			if !ok {
				return false
			}
			for _, spec := range gd.Specs {
				if vs, ok := spec.(*ast.ValueSpec); ok {
					for _, n := range vs.Names {
						if n.Name == m.Name {
							return true
						}
					}
				}
			}
		}
	case ifMentions:
		is, ok := s.(*ast.IfStmt)
		if !ok {
			return false
		}
		mentioned := false
		for _, part := range []ast.Node{is.Init, is.Cond} {
			if part == nil {
				continue
			}
			ast.Inspect(part, func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok && id.Name == m.Name {
					mentioned = true
				}
				return !mentioned
			})
		}
		return mentioned
	case calls:
		var x ast.Expr
		switch s := s.(type) {
		case *ast.ExprStmt:
			x = s.X
		case *ast.AssignStmt:
			if len(s.Rhs) != 1 {
				return false
			}
			x = s.Rhs[0]
		default:
			return false
		}
		call, ok := x.(*ast.CallExpr)
		return ok && types.ExprString(call.Fun) == m.Name
	case mentions:
		switch s.(type) {
		case *ast.ExprStmt, *ast.AssignStmt, *ast.DeclStmt, *ast.IncDecStmt, *ast.ReturnStmt, *ast.SendStmt, *ast.DeferStmt, *ast.GoStmt:
		default:
			return false
		}
		found := false
		ast.Inspect(s, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false // a block of its own
			case *ast.Ident, *ast.SelectorExpr:
				if types.ExprString(n.(ast.Expr)) == m.Name {
					found = true
				}
			}
			return !found
		})
		return found
	case ifWith:
		is, ok := s.(*ast.IfStmt)
		if !ok || m.Inner == nil {
			return false
		}
		for _, inner := range is.Body.List {
			if m.Inner.matches(inner) {
				return true
			}
		}
	}
	return false
}
