package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"sort"
	"strings"
)

// Where says on which side of its anchor an edit's code goes.
type Where int

const (
	// Before puts the code on its own lines above the anchor, and above the
	// comment lines directly attached to it, so the comment stays with the
	// code it describes.
	Before Where = iota + 1
	// After puts the code on its own lines below the anchor's last line.
	After
	// DocEnd puts the code, which must be comment lines only, at the end of
	// the anchor's doc comment: below its last line, directly above the
	// declaration, so that it reads as the doc's last paragraph.
	DocEnd
)

func (w Where) String() string {
	switch w {
	case Before:
		return "before"
	case After:
		return "after"
	case DocEnd:
		return "at the end of the doc comment of"
	}
	return fmt.Sprintf("Where(%d)", int(w))
}

// Edit is one insertion of this project's code into an upstream file: Go
// code at an anchor in the code, or, with an Anchor.TableRow, rows of a
// table in the package doc comment.
type Edit struct {
	File   string // slash-separated path inside the module
	Anchor Anchor
	Where  Where
	Why    string // one line, listed in FORK.md and the pull request
	Code   string // whole lines; indentation is redone by go/format
	// Rows are the rows a TableRow anchor inserts, one []string of cells
	// per row, drawn to the table's column widths (see doctable.go).
	Rows [][]string
}

// validate rejects an edit whose content does not suit its anchor: a
// mistake in edits.go.
func (e Edit) validate() error {
	if err := e.Anchor.validate(); err != nil {
		return err
	}
	switch {
	case e.Anchor.TableRow != "" && (e.Code != "" || len(e.Rows) == 0):
		return fmt.Errorf("an edit anchored on a table row inserts Rows, not Code")
	case e.Anchor.TableRow == "" && len(e.Rows) > 0:
		return fmt.Errorf("an edit anchored on Go code inserts Code, not Rows")
	case e.Where == DocEnd && e.Anchor.TableRow != "":
		return fmt.Errorf("a table row has no doc comment to end")
	case e.Where == DocEnd && !commentLinesOnly(e.Code):
		return fmt.Errorf("an edit at the end of a doc comment inserts comment lines only")
	}
	return nil
}

func (e Edit) String() string {
	return fmt.Sprintf("%s: %s %s", e.File, e.Where, e.Anchor)
}

// EditError reports an edit that cannot be placed in the upstream file. It
// names the file, the anchor and the upstream version, which is what a
// maintainer needs to go and look at upstream's change.
type EditError struct {
	Edit     Edit
	Upstream string // module@version
	Err      error
}

func (e *EditError) Error() string {
	return fmt.Sprintf("%s: anchor %q in %s: %v; review upstream's change there and update the edit in tools/assemble/edits.go",
		e.Edit.File, e.Edit.Anchor.String(), e.Upstream, e.Err)
}

func (e *EditError) Unwrap() error { return e.Err }

// applyEdits inserts edits, all meant for the file name, into its source src
// and returns the result formatted by go/format. Every anchor is resolved
// against the untouched upstream source, so one edit's code can never serve
// as, or duplicate, another edit's anchor.
func applyEdits(name string, src []byte, edits []Edit, upstream string) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
	if err != nil {
		return nil, fmt.Errorf("%s in %s does not parse: %v", name, upstream, err)
	}
	type insertion struct {
		offset int
		order  int
		text   string
	}
	ins := make([]insertion, 0, len(edits))
	for i, e := range edits {
		off, text, err := placeEdit(fset, f, src, e)
		if err != nil {
			return nil, &EditError{Edit: e, Upstream: upstream, Err: err}
		}
		ins = append(ins, insertion{off, i, text})
	}
	// Insert from the end so earlier offsets stay valid; edits sharing an
	// offset keep their order in the list.
	sort.Slice(ins, func(i, j int) bool {
		if ins[i].offset != ins[j].offset {
			return ins[i].offset > ins[j].offset
		}
		return ins[i].order > ins[j].order
	})
	out := append([]byte(nil), src...)
	for _, in := range ins {
		out = append(out[:in.offset], append([]byte(in.text), out[in.offset:]...)...)
	}
	formatted, err := format.Source(out)
	if err != nil {
		return nil, fmt.Errorf("%s does not compile as Go after the edits (check their code in tools/assemble/edits.go): %v", name, err)
	}
	// Rows are documentation, which go/format may reflow: they must come
	// out as drawn, or the table is broken.
	for _, in := range ins {
		if edits[in.order].Anchor.TableRow != "" && !bytes.Contains(formatted, []byte(in.text)) {
			return nil, fmt.Errorf("%s: go/format rewrote the rows inserted at %s (check the table's indentation)", name, edits[in.order].Anchor)
		}
	}
	return formatted, nil
}

// placeEdit returns the offset in src at which e inserts and the text it
// inserts there.
func placeEdit(fset *token.FileSet, f *ast.File, src []byte, e Edit) (int, string, error) {
	if err := e.validate(); err != nil {
		return 0, "", err
	}
	if e.Anchor.TableRow != "" {
		return tableRowInsertion(fset, f, src, e)
	}
	node, err := e.Anchor.locate(f)
	if err != nil {
		return 0, "", err
	}
	off, err := insertOffset(fset, f, src, node, e.Where)
	if err != nil {
		return 0, "", err
	}
	return off, wholeLines(e.Code), nil
}

// commentLinesOnly reports whether every line of code is a // comment.
func commentLinesOnly(code string) bool {
	for _, l := range strings.Split(strings.TrimSuffix(code, "\n"), "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "//") {
			return false
		}
	}
	return true
}

// wholeLines makes code a run of whole lines.
func wholeLines(code string) string {
	if !strings.HasSuffix(code, "\n") {
		code += "\n"
	}
	return code
}

// insertOffset is the byte offset at which code placed where relative to
// node starts on its own line. The anchor must own its lines: nothing but
// blanks may precede it on its first line and nothing but blanks or a
// comment may follow it on its last.
func insertOffset(fset *token.FileSet, f *ast.File, src []byte, node ast.Node, where Where) (int, error) {
	tf := fset.File(node.Pos())
	switch where {
	case Before:
		start := leadingCommentStart(fset, f, src, node)
		lineStart := tf.Offset(tf.LineStart(tf.Line(start)))
		if strings.TrimSpace(string(src[lineStart:tf.Offset(start)])) != "" {
			return 0, fmt.Errorf("the anchor does not start its line")
		}
		return lineStart, nil
	case After:
		end := tf.Offset(node.End())
		nl := bytes.IndexByte(src[end:], '\n')
		if nl < 0 {
			return 0, fmt.Errorf("the anchor ends the file without a newline")
		}
		rest := strings.TrimSpace(string(src[end : end+nl]))
		if rest != "" && !strings.HasPrefix(rest, "//") {
			return 0, fmt.Errorf("the anchor does not end its line")
		}
		return end + nl + 1, nil
	case DocEnd:
		doc := docComment(node)
		if doc == nil {
			return 0, fmt.Errorf("the anchor has no doc comment")
		}
		end := tf.Offset(doc.End())
		nl := bytes.IndexByte(src[end:], '\n')
		if nl < 0 {
			return 0, fmt.Errorf("the doc comment ends the file")
		}
		return end + nl + 1, nil
	}
	return 0, fmt.Errorf("edit has no Where (Before, After or DocEnd)")
}

// docComment is the doc comment of a declaration or field, if it has one.
func docComment(node ast.Node) *ast.CommentGroup {
	switch n := node.(type) {
	case *ast.Field:
		return n.Doc
	case *ast.GenDecl:
		return n.Doc
	case *ast.FuncDecl:
		return n.Doc
	case *ast.ValueSpec:
		return n.Doc
	}
	return nil
}

// leadingCommentStart is where node begins once the comment lines directly
// above it, which describe it, are counted as part of it.
func leadingCommentStart(fset *token.FileSet, f *ast.File, src []byte, node ast.Node) token.Pos {
	start := node.Pos()
	if doc := docComment(node); doc != nil {
		start = doc.Pos()
	}
	// Statements carry no Doc: take the comment groups that stand on their
	// own lines and end on the line just above, one after another. A
	// trailing comment of the previous line belongs to that line instead.
	for moved := true; moved; {
		moved = false
		line := fset.Position(start).Line
		for _, cg := range f.Comments {
			p := fset.Position(cg.Pos())
			ownLine := strings.TrimSpace(string(src[p.Offset-(p.Column-1):p.Offset])) == ""
			if cg.End() < start && ownLine && fset.Position(cg.End()).Line == line-1 {
				start = cg.Pos()
				moved = true
				break
			}
		}
	}
	return start
}
