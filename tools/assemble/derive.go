package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"path"
	"strconv"
	"strings"
)

// Each file of _overlay/ has one source, whatever pull request of the stack
// ships it. A file belongs to the step that first brings it; a later step
// may add to it only whole pieces that go/parser can name: a top-level
// declaration, a method, a struct field, a statement of a function body, or
// it may replace a small function whole. Those pieces are listed in
// series.go by anchor (prPart), and a pull request's form of the file is the
// overlay's file with the pieces of the steps it does not include taken out
// (or, for a replaced function, put back as it was before).

// prPart is a piece of an overlay file that a step adds to a file brought
// by an earlier step of its chain (or, for a slot, that the stack never
// ships).
type prPart struct {
	File   string // the overlay file, slash-separated
	Anchor Anchor // Decl, Var, Func (whole, or with Stmt) or Type with Field
	// Earlier is, for a function that the step replaces whole, the
	// function as the steps before have it (whole lines, doc comment
	// included); empty for a piece the step adds.
	Earlier string
}

// prMaxEarlierLines bounds Earlier: a replacement kept in series.go is a
// small function, not a second copy of a file.
const prMaxEarlierLines = 30

func (p prPart) String() string {
	verb := "adds"
	if p.Earlier != "" {
		verb = "replaces"
	}
	return fmt.Sprintf("%s: %s %s", p.File, verb, p.Anchor)
}

// validate rejects a part that names no piece a removal can take out whole.
func (p prPart) validate() error {
	a := p.Anchor
	if err := a.validate(); err != nil {
		return err
	}
	switch {
	case a.TableRow != "" || a.Import != "":
		return fmt.Errorf("part %s: a part is a declaration, a method, a field or a statement (imports follow the code that uses them)", p)
	case a.Type != "" && len(a.Field) == 0:
		return fmt.Errorf("part %s: a whole type is named with Decl", p)
	case p.Earlier != "" && !(a.Decl != "" || (a.Func != "" && a.Stmt == nil)):
		return fmt.Errorf("part %s: only a function is replaced whole (Decl or Func, with Earlier)", p)
	case strings.Count(strings.TrimRight(p.Earlier, "\n"), "\n")+1 > prMaxEarlierLines && p.Earlier != "":
		return fmt.Errorf("part %s: the earlier form has more than %d lines: split the function, so that the step adds pieces instead", p, prMaxEarlierLines)
	case path.Clean(p.File) != p.File || strings.HasPrefix(p.File, "/"):
		return fmt.Errorf("part %s: file must be a clean relative path", p)
	}
	return nil
}

// removeParts takes parts out of the Go source src (the file name), in the
// order given, each located afresh, then drops the imports nothing uses any
// more and formats the result. A part that is not found exactly once is an
// error naming it.
func removeParts(name string, src []byte, parts []prPart) ([]byte, error) {
	out := src
	for _, p := range parts {
		if err := p.validate(); err != nil {
			return nil, err
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, name, out, parser.ParseComments)
		if err != nil {
			return nil, fmt.Errorf("%s does not parse before taking out %s: %v", name, p, err)
		}
		node, err := p.Anchor.locate(f)
		if err != nil {
			return nil, fmt.Errorf("part %s: %v (check tools/assemble/series.go)", p, err)
		}
		at, err := replacedLines(fset, f, out, node)
		if err != nil {
			return nil, fmt.Errorf("part %s: %v", p, err)
		}
		text := ""
		if p.Earlier != "" {
			text = wholeLines(p.Earlier)
		}
		before, after := out[:at.start], out[at.end:]
		if text == "" {
			before, after = tidyGap(before, after)
		}
		out = append(append(append([]byte(nil), before...), text...), after...)
	}
	out, err := dropUnusedImports(name, out)
	if err != nil {
		return nil, err
	}
	formatted, err := format.Source(out)
	if err != nil {
		return nil, fmt.Errorf("%s does not format once %d parts are taken out: %v", name, len(parts), err)
	}
	return formatted, nil
}

// tidyGap joins the text before and after lines taken out without leaving
// a blank line that gofmt keeps but would not have been written: one that
// now opens or closes a block, a struct or a group, or a second one in a
// row.
func tidyGap(before, after []byte) ([]byte, []byte) {
	blankAhead := func() bool {
		i := bytes.IndexByte(after, '\n')
		return i >= 0 && len(bytes.TrimSpace(after[:i])) == 0
	}
	dropBlankAhead := func() { after = after[bytes.IndexByte(after, '\n')+1:] }
	blankBehind := func() bool { return bytes.HasSuffix(before, []byte("\n\n")) }
	for blankBehind() && blankAhead() {
		dropBlankAhead()
	}
	if next := bytes.TrimLeft(after, " \t"); bytes.HasPrefix(next, []byte("}")) || bytes.HasPrefix(next, []byte(")")) {
		for blankBehind() {
			before = before[:len(before)-1]
		}
	}
	lastLine := bytes.TrimSuffix(before, []byte("\n"))
	if i := bytes.LastIndexByte(lastLine, '\n'); i >= 0 {
		lastLine = lastLine[i+1:]
	}
	for opens(lastLine) && blankAhead() {
		dropBlankAhead()
	}
	return before, after
}

// opens reports whether a line ends by opening a block or a group.
func opens(line []byte) bool {
	l := bytes.TrimSpace(line)
	return bytes.HasSuffix(l, []byte("{")) || bytes.HasSuffix(l, []byte("("))
}

// dropUnusedImports removes the imports whose package name no selector of
// the file uses: after a part is taken out, the imports only it needed.
// Blank and dot imports stay. The package name of an unnamed import is
// guessed from its path as goimports does (the last element, without a
// major-version suffix or a "go-" prefix); a wrong guess leaves an import
// the compiler reports, never a silent change.
func dropUnusedImports(name string, src []byte) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
	if err != nil {
		return nil, fmt.Errorf("%s does not parse once parts are taken out: %v", name, err)
	}
	used := make(map[string]bool)
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && id.Obj == nil {
				used[id.Name] = true
			}
		}
		return true
	})
	var drop []span
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT {
			continue
		}
		for _, s := range gd.Specs {
			is := s.(*ast.ImportSpec)
			if used[importName(is)] || (is.Name != nil && (is.Name.Name == "_" || is.Name.Name == ".")) {
				continue
			}
			var node ast.Node = is
			if !gd.Lparen.IsValid() {
				node = gd
			}
			at, err := replacedLines(fset, f, src, node)
			if err != nil {
				return nil, fmt.Errorf("%s: import %s: %v", name, is.Path.Value, err)
			}
			drop = append(drop, at)
		}
	}
	out := src
	for i := len(drop) - 1; i >= 0; i-- {
		out = append(append([]byte(nil), out[:drop[i].start]...), out[drop[i].end:]...)
	}
	if len(drop) == 0 {
		return out, nil
	}
	formatted, err := format.Source(out)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if formatted, err = dropEmptyImports(name, formatted); err != nil {
		return nil, err
	}
	return unparenSingleImports(name, formatted)
}

// unparenSingleImports writes an import group left with one import, and no
// comment, as the single import gofmt would not have written in parens.
func unparenSingleImports(name string, src []byte) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments|parser.ImportsOnly)
	if err != nil {
		return nil, err
	}
	out := src
	for i := len(f.Decls) - 1; i >= 0; i-- {
		gd, ok := f.Decls[i].(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT || !gd.Lparen.IsValid() || len(gd.Specs) != 1 || gd.Doc != nil {
			continue
		}
		start, end := fset.Position(gd.Pos()).Offset, fset.Position(gd.End()).Offset
		spec := gd.Specs[0].(*ast.ImportSpec)
		if spec.Doc != nil || spec.Comment != nil {
			continue
		}
		s, e := fset.Position(spec.Pos()).Offset, fset.Position(spec.End()).Offset
		single := "import " + string(out[s:e])
		out = append(append(append([]byte(nil), out[:start]...), single...), out[end:]...)
	}
	return format.Source(out)
}

// importName is the name an import is used by in the file.
func importName(is *ast.ImportSpec) string {
	if is.Name != nil {
		return is.Name.Name
	}
	p, err := strconv.Unquote(is.Path.Value)
	if err != nil {
		return ""
	}
	elems := strings.Split(p, "/")
	last := elems[len(elems)-1]
	if len(elems) > 1 && len(last) > 1 && last[0] == 'v' && strings.Trim(last[1:], "0123456789") == "" {
		last = elems[len(elems)-2]
	}
	last = strings.TrimPrefix(last, "go-")
	if i := strings.IndexAny(last, ".-"); i >= 0 {
		last = last[:i]
	}
	return last
}
