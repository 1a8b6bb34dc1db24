package main

import (
	"errors"
	"go/format"
	"strings"
	"testing"
)

// testDocSrc has a package doc comment with two tables, drawn for these
// tests in the shape of a list of metrics.
const testDocSrc = `/*
Package up is a test package.

First table:

	+------------+---------+----------------------+
	| Name       | Type    | Description          |
	+------------+---------+----------------------+
	| alpha      | meter   | Alpha things         |
	| beta       | counter | Beta things that     |
	|            |         | wrap once            |
	| twice      | gauge   | Here                 |
	+------------+---------+----------------------+

Second table:

	+--------+-------+------+
	| Name   | Type  | Note |
	+--------+-------+------+
	| gamma  | meter | x    |
	| twice  | meter | y    |
	| skewed	 | meter | z    |
	+--------+-------+------+
*/
package up

// alpha is not in the doc comment and does not count.
//
//	| alpha | x | y |
var alpha = 1
`

func rowEdit(name string, where Where, rows ...[]string) Edit {
	return Edit{File: "doc.go", Anchor: Anchor{TableRow: name}, Where: where, Why: "rows", Rows: rows}
}

func applyRows(t *testing.T, src string, e ...Edit) (string, error) {
	t.Helper()
	out, err := applyEdits("doc.go", []byte(src), e, testUpstream)
	return string(out), err
}

// withRowsAfter is src with lines inserted after the line marker.
func withRowsAfter(t *testing.T, src, marker string, lines ...string) string {
	t.Helper()
	if strings.Count(src, marker+"\n") != 1 {
		t.Fatalf("marker %q not once in the source", marker)
	}
	return strings.Replace(src, marker+"\n", marker+"\n"+strings.Join(lines, "\n")+"\n", 1)
}

func TestTableRowAfterAndBefore(t *testing.T) {
	out, err := applyRows(t, testDocSrc, rowEdit("alpha", After, []string{"new", "gauge", "New"}))
	if err != nil {
		t.Fatal(err)
	}
	want := withRowsAfter(t, testDocSrc, "\t| alpha      | meter   | Alpha things         |",
		"\t| new        | gauge   | New                  |")
	if out != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}

	out, err = applyRows(t, testDocSrc, rowEdit("alpha", Before, []string{"new", "gauge", "New"}))
	if err != nil {
		t.Fatal(err)
	}
	want = withRowsAfter(t, testDocSrc, "\t+------------+---------+----------------------+\n\t| Name       | Type    | Description          |\n\t+------------+---------+----------------------+",
		"\t| new        | gauge   | New                  |")
	if out != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
}

func TestTableRowAfterContinuationRows(t *testing.T) {
	out, err := applyRows(t, testDocSrc,
		rowEdit("beta", After, []string{"b2", "meter", "One"}),
		rowEdit("beta", After, []string{"b3", "meter", "Two"}))
	if err != nil {
		t.Fatal(err)
	}
	want := withRowsAfter(t, testDocSrc, "\t|            |         | wrap once            |",
		"\t| b2         | meter   | One                  |",
		"\t| b3         | meter   | Two                  |")
	if out != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
}

func TestTableRowWraps(t *testing.T) {
	// The columns hold 10, 7 and 20 characters between their blanks.
	out, err := applyRows(t, testDocSrc, rowEdit("alpha", After,
		[]string{"name10abcd", "histogr", "Distribution of the time waited, in microseconds"},
		[]string{"x", "y", "exactly twenty chars"}))
	if err != nil {
		t.Fatal(err)
	}
	want := withRowsAfter(t, testDocSrc, "\t| alpha      | meter   | Alpha things         |",
		"\t| name10abcd | histogr | Distribution of the  |",
		"\t|            |         | time waited, in      |",
		"\t|            |         | microseconds         |",
		"\t| x          | y       | exactly twenty chars |")
	if out != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
	if f, err := format.Source([]byte(out)); err != nil || string(f) != out {
		t.Errorf("result is not gofmt-clean (err %v)", err)
	}
}

func TestTableRowInLineComment(t *testing.T) {
	src := "// Package up is a test package.\n//\n//\t+-----+-----+\n//\t| a   | b   |\n//\t| c   | d   |\n//\t+-----+-----+\npackage up\n"
	out, err := applyRows(t, src, rowEdit("a", After, []string{"e", "f g"}))
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Replace(src, "| a   | b   |\n", "| a   | b   |\n//\t| e   | f g |\n", 1); out != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
}

func TestTableRowBadCells(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cells []string
		want  string
	}{
		{"name too wide", []string{"name10abcd1", "gauge", "x"}, `cell "name10abcd1" of a new row is 11 characters wide, column 1 of the table holds 10; shorten it (upstream's table is not widened)`},
		{"type too wide", []string{"n", "histogram", "x"}, `cell "histogram" of a new row is 9 characters wide, column 2 of the table holds 7`},
		{"word too wide", []string{"n", "t", "a-single-word-of-21-c"}, `word "a-single-word-of-21-c" of a new row is 21 characters wide, its column holds 20`},
		{"too few cells", []string{"n", "t"}, "has 2 cells, the table has 3 columns"},
		{"bar in a cell", []string{"n|m", "t", "x"}, `contains '|'`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := rowEdit("alpha", After, tc.cells)
			_, err := applyRows(t, testDocSrc, e)
			var ee *EditError
			if !errors.As(err, &ee) {
				t.Fatalf("err = %v, want an *EditError", err)
			}
			for _, want := range []string{"doc.go", e.Anchor.String(), testUpstream, tc.want} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
		})
	}
}

func TestTableRowAnchorMissingOrDuplicated(t *testing.T) {
	for _, tc := range []struct {
		name, row string
		src       string
		want      string
	}{
		{"missing", "delta", testDocSrc, "table row `delta` in the package doc comment found 0 times, want exactly once"},
		{"in two tables", "twice", testDocSrc, "table row `twice` in the package doc comment found 2 times, want exactly once"},
		// alpha also stands in a comment outside the package doc comment,
		// which does not count: see TestTableRowAfterAndBefore.
		{"a cell other than the first", "Alpha things", testDocSrc, "found 0 times"},
		{"no package doc comment", "alpha", "package up\n", "package doc comment found 0 times"},
		{"row off the border's columns", "skewed", testDocSrc, "row `skewed` does not line up with its table's border"},
		{"no border above", "a", "// Package up.\n//\n//\t| a | b |\npackage up\n\nvar x = 1\n", "has no +---+ border line above it"},
		{"last line of a line comment", "a", "// Package up.\n//\n//\t+---+---+\n//\t| a | b |\npackage up\n", "ends the package doc comment"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := rowEdit(tc.row, After, []string{"n", "t", "x"})
			_, err := applyRows(t, tc.src, e)
			var ee *EditError
			if !errors.As(err, &ee) {
				t.Fatalf("err = %v, want an *EditError", err)
			}
			msg := err.Error()
			for _, want := range []string{"doc.go", "anchor \"" + e.Anchor.String() + "\"", testUpstream, tc.want, "tools/assemble/edits.go"} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not mention %q", msg, want)
				}
			}
		})
	}
}

func TestTableRowEditMistakes(t *testing.T) {
	for _, e := range []Edit{
		{File: "doc.go", Anchor: Anchor{TableRow: "alpha"}, Where: After},                                               // no rows
		{File: "doc.go", Anchor: Anchor{TableRow: "alpha"}, Where: After, Code: "x", Rows: [][]string{{"n", "t", "x"}}}, // code too
		{File: "doc.go", Anchor: Anchor{TableRow: "alpha", Type: "T"}, Where: After, Rows: [][]string{{"n", "t", "x"}}},
		{File: "doc.go", Anchor: Anchor{Func: "F"}, Where: After, Code: "x", Rows: [][]string{{"n", "t", "x"}}},
		{File: "doc.go", Anchor: Anchor{TableRow: "alpha"}, Rows: [][]string{{"n", "t", "x"}}}, // no Where
	} {
		if _, err := applyRows(t, testDocSrc, e); err == nil {
			t.Errorf("edit %+v accepted", e)
		}
	}
}
