package main

import (
	"fmt"
	"go/ast"
	"go/token"
	"strings"
	"unicode/utf8"
)

// Row insertions add rows to a table drawn in a file's package doc comment,
// such as a list of metrics:
//
//	+------+---------+-------------+
//	| Name | Type    | Description |
//	+------+---------+-------------+
//	| a    | counter | Counts the  |
//	|      |         | things      |
//	+------+---------+-------------+
//
// The anchor is the text of the first cell of one row (Anchor.TableRow); the
// new rows are given as cells (Edit.Rows) and drawn to the widths of the
// table's border. Cells of the last column wrap onto continuation rows whose
// other cells are empty, as such tables already do; the other cells must fit
// their column, since widening the table would rewrite upstream's lines.

// docLine is one line of the package doc comment.
type docLine struct {
	off  int    // byte offset in the file
	text string // without its newline
	lead string // what precedes the table: blanks, or "//" and blanks
	rest string // the line after lead, trailing blanks removed
}

func (l docLine) isBorder() bool {
	return len(l.rest) > 1 && l.rest[0] == '+' && l.rest[len(l.rest)-1] == '+' &&
		strings.Trim(l.rest, "+-") == "" && !strings.Contains(l.rest, "++")
}

func (l docLine) isRow() bool {
	return len(l.rest) > 1 && l.rest[0] == '|' && l.rest[len(l.rest)-1] == '|'
}

func (l docLine) inTable() bool { return l.isBorder() || l.isRow() }

// firstCell is the trimmed text of a row's first cell.
func (l docLine) firstCell() string {
	cell, _, _ := strings.Cut(l.rest[1:], "|")
	return strings.TrimSpace(cell)
}

// splitLead separates the indentation of a comment line, including the
// "//" of a line comment, from its content.
func splitLead(text string) (lead, rest string) {
	i := len(text) - len(strings.TrimLeft(text, " \t"))
	if strings.HasPrefix(text[i:], "//") {
		i += 2
		i += len(text[i:]) - len(strings.TrimLeft(text[i:], " \t"))
	}
	return text[:i], strings.TrimRight(text[i:], " \t")
}

// docLines returns the whole lines of the package doc comment of f, and the
// offset at which the comment ends.
func docLines(fset *token.FileSet, f *ast.File, src []byte) ([]docLine, int, error) {
	if f.Doc == nil {
		return nil, 0, &countError{"package doc comment", 0}
	}
	start, end := fset.Position(f.Doc.Pos()).Offset, fset.Position(f.Doc.End()).Offset
	var lines []docLine
	for off := start; off < end; {
		n := strings.IndexByte(string(src[off:end]), '\n')
		if n < 0 {
			n = end - off
		}
		text := string(src[off : off+n])
		lead, rest := splitLead(text)
		lines = append(lines, docLine{off: off, text: text, lead: lead, rest: rest})
		off += n + 1
	}
	return lines, end, nil
}

// tableRowInsertion finds the row of the package doc comment that e's anchor
// names and returns the offset at which e's rows go and their text.
func tableRowInsertion(fset *token.FileSet, f *ast.File, src []byte, e Edit) (int, string, error) {
	lines, end, err := docLines(fset, f, src)
	if err != nil {
		return 0, "", err
	}
	name := e.Anchor.TableRow
	at := -1
	count := 0
	for i, l := range lines {
		if l.isRow() && l.firstCell() == name {
			at = i
			count++
		}
	}
	if count != 1 {
		return 0, "", &countError{fmt.Sprintf("table row `%s` in the package doc comment", name), count}
	}
	anchor := lines[at]
	border := -1
	for i := at - 1; i >= 0 && lines[i].inTable(); i-- {
		if lines[i].isBorder() {
			border = i
			break
		}
	}
	if border < 0 {
		return 0, "", fmt.Errorf("the table of row `%s` has no +---+ border line above it", name)
	}
	b := lines[border]
	if b.lead != anchor.lead || !sameColumns(b.rest, anchor.rest) {
		return 0, "", fmt.Errorf("row `%s` does not line up with its table's border; its column widths are unknown", name)
	}
	var off int
	switch e.Where {
	case Before:
		off = anchor.off
	case After:
		last := at
		for last+1 < len(lines) && lines[last+1].isRow() && lines[last+1].firstCell() == "" {
			last++ // continuation rows of the anchor row
		}
		off = lines[last].off + len(lines[last].text) + 1
		if off >= end {
			return 0, "", fmt.Errorf("row `%s` ends the package doc comment, so rows after it would fall outside", name)
		}
	default:
		return 0, "", fmt.Errorf("edit has no Where (Before or After)")
	}
	widths := columnWidths(b.rest)
	var text strings.Builder
	for _, cells := range e.Rows {
		rows, err := renderRow(widths, cells)
		if err != nil {
			return 0, "", err
		}
		for _, r := range rows {
			text.WriteString(anchor.lead + r + "\n")
		}
	}
	return off, text.String(), nil
}

// sameColumns reports whether the row's cell separators stand where the
// border's corners do.
func sameColumns(border, row string) bool {
	if len(border) != len(row) {
		return false
	}
	for i := 0; i < len(border); i++ {
		if (border[i] == '+') != (row[i] == '|') {
			return false
		}
	}
	return true
}

// columnWidths are the widths of the columns between the corners of border,
// "+--+---+" giving [2 3].
func columnWidths(border string) []int {
	segs := strings.Split(strings.Trim(border, "+"), "+")
	w := make([]int, len(segs))
	for i, s := range segs {
		w[i] = len(s)
	}
	return w
}

// renderRow draws cells as table rows of the given column widths, each cell
// with a blank on either side. The last cell wraps at blanks onto
// continuation rows; the others must fit their column.
func renderRow(widths []int, cells []string) ([]string, error) {
	if len(cells) != len(widths) {
		return nil, fmt.Errorf("new row %q has %d cells, the table has %d columns", cells, len(cells), len(widths))
	}
	for i, c := range cells {
		if strings.ContainsAny(c, "|\t\n\r") {
			return nil, fmt.Errorf("cell %q of a new row contains '|', a tab or a line break", c)
		}
		if i == len(cells)-1 {
			break
		}
		if n := utf8.RuneCountInString(c); n > widths[i]-2 {
			return nil, fmt.Errorf("cell %q of a new row is %d characters wide, column %d of the table holds %d; shorten it (upstream's table is not widened)",
				c, n, i+1, widths[i]-2)
		}
	}
	last := len(cells) - 1
	wrapped, err := wrap(cells[last], widths[last]-2)
	if err != nil {
		return nil, err
	}
	rows := make([]string, len(wrapped))
	for j, part := range wrapped {
		var b strings.Builder
		b.WriteString("|")
		for i, w := range widths {
			c := ""
			switch {
			case i == last:
				c = part
			case j == 0:
				c = cells[i]
			}
			b.WriteString(" " + c + strings.Repeat(" ", w-1-utf8.RuneCountInString(c)) + "|")
		}
		rows[j] = b.String()
	}
	return rows, nil
}

// wrap splits text at blanks into lines of at most width characters.
func wrap(text string, width int) ([]string, error) {
	var lines []string
	cur := ""
	for _, w := range strings.Fields(text) {
		if n := utf8.RuneCountInString(w); n > width {
			return nil, fmt.Errorf("word %q of a new row is %d characters wide, its column holds %d", w, n, width)
		}
		switch {
		case cur == "":
			cur = w
		case utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(w) <= width:
			cur += " " + w
		default:
			lines = append(lines, cur)
			cur = w
		}
	}
	return append(lines, cur), nil
}
