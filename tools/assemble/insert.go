package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
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
	// AtEnd puts the code on its own lines inside the anchor's braces, after
	// their last element: the elements of a composite literal (the anchor
	// is, or declares or assigns, one) or the statements of a function.
	AtEnd
	// Replace removes the anchor's lines, with the comment lines directly
	// attached to it, and puts the code, if any, in their place. The edit
	// records the sha256 of the lines it removes (Edit.UpstreamSHA256): an
	// upstream change to them stops the assembly instead of being dropped.
	Replace
)

func (w Where) String() string {
	switch w {
	case Before:
		return "before"
	case After:
		return "after"
	case DocEnd:
		return "at the end of the doc comment of"
	case AtEnd:
		return "at the end of"
	case Replace:
		return "replacing"
	}
	return fmt.Sprintf("Where(%d)", int(w))
}

// Edit is one change of this project to an upstream file: Go code inserted
// at an anchor in the code (or in place of it), or, with an
// Anchor.TableRow, rows of a table in the package doc comment.
type Edit struct {
	File   string // slash-separated path inside the module
	Anchor Anchor
	Where  Where
	Why    string // one line, listed in FORK.md and the pull request
	Code   string // whole lines; indentation is redone by go/format
	// Rows are the rows a TableRow anchor inserts, one []string of cells
	// per row, drawn to the table's column widths (see doctable.go).
	Rows [][]string
	// UpstreamSHA256 is, for Replace, the hex sha256 of the upstream lines
	// replaced; no upstream text is stored, only its hash.
	UpstreamSHA256 string
	// Step is the ID of the commit of the upstream pull request that makes
	// this change (see series.go).
	Step string
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
	case e.Anchor.TableRow != "" && (e.Where == AtEnd || e.Where == Replace):
		return fmt.Errorf("rows go before or after a table row")
	case e.Where == Replace && e.UpstreamSHA256 == "":
		return fmt.Errorf("a replacement must record the sha256 of the upstream lines it replaces (UpstreamSHA256)")
	case e.Where != Replace && e.UpstreamSHA256 != "":
		return fmt.Errorf("only a replacement records an UpstreamSHA256")
	case e.Where != Replace && strings.TrimSpace(e.Code) == "" && e.Anchor.TableRow == "":
		return fmt.Errorf("an insertion without code")
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

// applyEdits applies edits, all meant for the file name, to its source src
// and returns the result formatted by go/format. Every anchor is resolved
// against the untouched upstream source, so one edit's code can never serve
// as, or duplicate, another edit's anchor; edits whose ranges overlap (an
// insertion inside replaced lines, two replacements of the same lines) are
// refused.
func applyEdits(name string, src []byte, edits []Edit, upstream string) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
	if err != nil {
		return nil, fmt.Errorf("%s in %s does not parse: %v", name, upstream, err)
	}
	type insertion struct {
		span
		order int
		text  string
	}
	ins := make([]insertion, 0, len(edits))
	for i, e := range edits {
		at, text, err := placeEdit(fset, f, src, e)
		if err != nil {
			return nil, &EditError{Edit: e, Upstream: upstream, Err: err}
		}
		ins = append(ins, insertion{at, i, text})
	}
	// Apply from the end so earlier offsets stay valid; edits sharing an
	// offset keep their order in the list.
	sort.Slice(ins, func(i, j int) bool {
		if ins[i].start != ins[j].start {
			return ins[i].start > ins[j].start
		}
		return ins[i].order > ins[j].order
	})
	for i := 1; i < len(ins); i++ {
		// ins[i] starts at or before ins[i-1]: it must end there too, and
		// a replacement shares its start with no other edit.
		sameStart := ins[i].start == ins[i-1].start
		if ins[i].end > ins[i-1].start || (sameStart && (ins[i].end != ins[i].start || ins[i-1].end != ins[i-1].start)) {
			a, b := edits[ins[i].order], edits[ins[i-1].order]
			return nil, fmt.Errorf("%s: edits overlap: %s and %s (check tools/assemble/edits.go)", name, a, b)
		}
	}
	out := append([]byte(nil), src...)
	for _, in := range ins {
		out = append(out[:in.start], append([]byte(in.text), out[in.end:]...)...)
	}
	formatted, err := format.Source(out)
	if err != nil {
		return nil, fmt.Errorf("%s does not compile as Go after the edits (check their code in tools/assemble/edits.go): %v", name, err)
	}
	if formatted, err = dropEmptyImports(name, formatted); err != nil {
		return nil, err
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

// dropEmptyImports removes the import declarations that removals of all
// their imports left empty: "import ()".
func dropEmptyImports(name string, src []byte) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ImportsOnly)
	if err != nil {
		return nil, err
	}
	out := src
	for i := len(f.Decls) - 1; i >= 0; i-- {
		gd, ok := f.Decls[i].(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT || len(gd.Specs) > 0 || gd.Doc != nil {
			continue
		}
		start, end := fset.Position(gd.Pos()).Offset, fset.Position(gd.End()).Offset
		if end < len(out) && out[end] == '\n' {
			end++
		}
		out = append(out[:start:start], out[end:]...)
	}
	if len(out) == len(src) {
		return src, nil
	}
	return format.Source(out)
}

// span is a range of bytes of a source file: empty for an insertion.
type span struct{ start, end int }

// placeEdit returns the range of src that e replaces (empty for an
// insertion) and the text it puts there.
func placeEdit(fset *token.FileSet, f *ast.File, src []byte, e Edit) (span, string, error) {
	if err := e.validate(); err != nil {
		return span{}, "", err
	}
	if e.Anchor.TableRow != "" {
		off, text, err := tableRowInsertion(fset, f, src, e)
		return span{off, off}, text, err
	}
	node, err := e.Anchor.locate(f)
	if err != nil {
		return span{}, "", err
	}
	if e.Where == Replace {
		at, err := replacedLines(fset, f, src, node)
		if err != nil {
			return span{}, "", err
		}
		if sum := sha256Hex(src[at.start:at.end]); sum != e.UpstreamSHA256 {
			return span{}, "", fmt.Errorf("the lines this edit replaces changed upstream (sha256 %s, the edit was written against %s): review upstream's change and carry it into the edit's code or the overlay, then record the new sha256", sum, e.UpstreamSHA256)
		}
		if strings.TrimSpace(e.Code) == "" {
			return at, "", nil
		}
		return at, wholeLines(e.Code), nil
	}
	off, err := insertOffset(fset, f, src, node, e.Where)
	if err != nil {
		return span{}, "", err
	}
	return span{off, off}, wholeLines(e.Code), nil
}

// replacedLines is the range of whole lines that node and the comment lines
// attached to it take, a comment at the end of its last line included.
// Nothing else may share those lines.
func replacedLines(fset *token.FileSet, f *ast.File, src []byte, node ast.Node) (span, error) {
	start, err := insertOffset(fset, f, src, node, Before)
	if err != nil {
		return span{}, err
	}
	end, err := insertOffset(fset, f, src, node, After)
	if err != nil {
		return span{}, err
	}
	return span{start, end}, nil
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
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
	case AtEnd:
		rbrace, err := closingBrace(node)
		if err != nil {
			return 0, err
		}
		lineStart := tf.Offset(tf.LineStart(tf.Line(rbrace)))
		if strings.TrimSpace(string(src[lineStart:tf.Offset(rbrace)])) != "" {
			return 0, fmt.Errorf("the anchor's closing brace does not start its line")
		}
		return lineStart, nil
	}
	return 0, fmt.Errorf("edit has no Where (Before, After, DocEnd, AtEnd or Replace)")
}

// closingBrace is the position of the brace that closes the elements of
// node: a composite literal's, or the one a statement declares or assigns,
// or a function's body.
func closingBrace(node ast.Node) (token.Pos, error) {
	var x ast.Expr
	switch n := node.(type) {
	case *ast.FuncDecl:
		if n.Body != nil {
			return n.Body.Rbrace, nil
		}
	case *ast.AssignStmt:
		if len(n.Rhs) == 1 {
			x = n.Rhs[0]
		}
	case *ast.DeclStmt:
		if gd, ok := n.Decl.(*ast.GenDecl); ok && len(gd.Specs) == 1 {
			if vs, ok := gd.Specs[0].(*ast.ValueSpec); ok && len(vs.Values) == 1 {
				x = vs.Values[0]
			}
		}
	}
	if x, ok := x.(*ast.CompositeLit); ok {
		return x.Rbrace, nil
	}
	return token.NoPos, fmt.Errorf("the anchor is neither a function nor one composite literal, so it has no end to insert at")
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
