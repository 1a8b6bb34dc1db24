package main

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// apiOf lists the exported identifiers of the Go package in dir, from its
// non-test files: top-level names, and for exported types their exported
// methods ("T.M") and struct fields ("T.F", "T.F.G" through a struct
// field's own anonymous struct). It is what a pull request adds to Sarama's
// API, once compared with its base's.
func apiOf(dir string) (map[string]bool, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	api := make(map[string]bool)
	fset := token.NewFileSet()
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if !d.Name.IsExported() {
					continue
				}
				if d.Recv == nil {
					api[d.Name.Name] = true
				} else if t := recvTypeName(d.Recv.List[0].Type); ast.IsExported(t) {
					api[t+"."+d.Name.Name] = true
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						if s.Name.IsExported() {
							api[s.Name.Name] = true
							addFields(api, s.Name.Name, s.Type)
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							if n.IsExported() {
								api[n.Name] = true
							}
						}
					}
				}
			}
		}
	}
	return api, nil
}

// addFields adds the exported fields of a struct type named prefix.
func addFields(api map[string]bool, prefix string, t ast.Expr) {
	st, ok := t.(*ast.StructType)
	if !ok {
		return
	}
	for _, fl := range st.Fields.List {
		names := fl.Names
		if len(names) == 0 { // embedded: named by its type
			names = []*ast.Ident{ast.NewIdent(recvTypeName(fl.Type))}
		}
		for _, n := range names {
			if n.IsExported() {
				api[prefix+"."+n.Name] = true
				addFields(api, prefix+"."+n.Name, fl.Type)
			}
		}
	}
}

// recvTypeName is the type name of a receiver or embedded field: T for T,
// *T, pkg.T and T[P].
func recvTypeName(t ast.Expr) string {
	for {
		switch x := t.(type) {
		case *ast.StarExpr:
			t = x.X
		case *ast.SelectorExpr:
			t = x.Sel
		case *ast.IndexExpr:
			t = x.X
		case *ast.IndexListExpr:
			t = x.X
		case *ast.Ident:
			return x.Name
		default:
			return ""
		}
	}
}

// addedAPI is what after exports that before does not, sorted.
func addedAPI(before, after map[string]bool) []string {
	var out []string
	for k := range after {
		if !before[k] {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// hasBuildConstraint reports whether the Go file at path has a //go:build
// line before its package clause.
func hasBuildConstraint(path string) (bool, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return false, err
	}
	for _, line := range bytes.Split(src, []byte("\n")) {
		l := bytes.TrimSpace(line)
		if bytes.HasPrefix(l, []byte("package ")) {
			return false, nil
		}
		if bytes.HasPrefix(l, []byte("//go:build")) {
			return true, nil
		}
	}
	return false, nil
}
