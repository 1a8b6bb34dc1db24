package main

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sarama-zstd.example/tools/internal/releases"
)

const testUpstream = testModule + "@v1.2.3"

func applyOne(t *testing.T, src string, e Edit) (string, error) {
	t.Helper()
	out, err := applyEdits("config.go", []byte(src), []Edit{e}, testUpstream)
	return string(out), err
}

// lineAfter returns the line following the first line containing marker.
func lineAfter(t *testing.T, text, marker string) string {
	t.Helper()
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if strings.Contains(l, marker) && i+1 < len(lines) {
			return strings.TrimSpace(lines[i+1])
		}
	}
	t.Fatalf("no line with %q in:\n%s", marker, text)
	return ""
}

func TestEachAnchorKind(t *testing.T) {
	for _, tc := range []struct {
		name   string
		edit   Edit
		marker string // the line the code must follow
		want   string // the first line of the code
	}{
		{"field after, keeping its trailing comment",
			Edit{File: "config.go", Anchor: Anchor{Type: "Config", Field: []string{"Producer", "CompressionLevel"}}, Where: After, Code: "\t\tAdded int"},
			"// trailing comment", "Added            int"},
		{"field before, above its doc comment",
			Edit{File: "config.go", Anchor: Anchor{Type: "Config", Field: []string{"Producer", "CompressionLevel"}}, Where: Before, Code: "\t\tAdded int"},
			"Producer struct {", "Added int"},
		{"type before, above its doc comment",
			Edit{File: "config.go", Anchor: Anchor{Type: "Config"}, Where: Before, Code: "// X is new.\ntype X int\n"},
			"package up", ""},
		{"assignment after",
			Edit{File: "config.go", Anchor: Anchor{Func: "NewConfig", Stmt: AssignsTo("c.Producer.CompressionLevel")}, Where: After, Code: "\tc.Producer.Other = 9"},
			"c.Producer.CompressionLevel = 1", "c.Producer.Other = 9"},
		{"statement before, above its comment",
			Edit{File: "config.go", Anchor: Anchor{Func: "NewConfig", Stmt: AssignsTo("c.Producer.Other")}, Where: Before, Code: "\tc.Producer.Other = 9"},
			"c.Producer.CompressionLevel = 1", ""},
		{"short variable declaration",
			Edit{File: "config.go", Anchor: Anchor{Func: "NewConfig", Stmt: Defines("c")}, Where: After, Code: "\t_ = c"},
			"c := &Config{}", "_ = c"},
		{"var declaration",
			Edit{File: "config.go", Anchor: Anchor{Func: "(*Config).Validate", Stmt: Defines("n")}, Where: After, Code: "\tn++"},
			"var n = 1", "n++"},
		{"definition inside a case body",
			Edit{File: "config.go", Anchor: Anchor{Func: "(*Config).Validate", Stmt: Defines("m")}, Where: After, Code: "\t\tm++"},
			"m := n", "m++"},
		{"if statement after its closing brace",
			Edit{File: "config.go", Anchor: Anchor{Func: "(*Config).Validate", Stmt: IfMentions("CompressionZSTD")}, Where: After, Code: "\tn := 0\n\t_ = n"},
			"return nil\n\t}", ""},
		{"call after",
			Edit{File: "config.go", Anchor: Anchor{Func: "NewConfig", Stmt: Calls("c.reset")}, Where: After, Code: "\tc.Producer.Other++"},
			"c.reset()", "c.Producer.Other++"},
		{"call assigning its result",
			Edit{File: "config.go", Anchor: Anchor{Func: "NewConfig", Stmt: Calls("c.count")}, Where: After, Code: "\t_ = n"},
			"n := c.count()", "_ = n"},
		{"whole function",
			Edit{File: "config.go", Anchor: Anchor{Func: "NewConfig"}, Where: Before, Code: "func Pre() {}\n"},
			"const CompressionZSTD", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := applyOne(t, testConfigSrc, tc.edit)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := parser.ParseFile(token.NewFileSet(), "config.go", out, 0); err != nil {
				t.Fatalf("result does not parse: %v", err)
			}
			if tc.want != "" {
				if got := lineAfter(t, out, tc.marker); got != tc.want {
					t.Errorf("line after %q = %q, want %q\n%s", tc.marker, got, tc.want, out)
				}
			}
			first := strings.Fields(strings.SplitN(tc.edit.Code, "\n", 2)[0])
			if !strings.Contains(strings.Join(strings.Fields(out), " "), strings.Join(first, " ")) {
				t.Errorf("code missing from result:\n%s", out)
			}
		})
	}
}

func TestBeforeKeepsCommentsWithTheirCode(t *testing.T) {
	out, err := applyOne(t, testConfigSrc, Edit{File: "config.go",
		Anchor: Anchor{Func: "NewConfig", Stmt: AssignsTo("c.Producer.Other")}, Where: Before, Code: "\tc.Producer.Other = 9"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "c.Producer.Other = 9\n\t// Other is set last.\n\tc.Producer.Other = 2") {
		t.Errorf("code not above the statement's comment:\n%s", out)
	}
	out, err = applyOne(t, testConfigSrc, Edit{File: "config.go",
		Anchor: Anchor{Type: "Config"}, Where: Before, Code: "type X int"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "type X int\n\n// Config is the test's configuration.") && !strings.Contains(out, "type X int\n// Config is the test's configuration.") {
		t.Errorf("code not above the type's doc comment:\n%s", out)
	}
}

func TestAnchorMissingOrDuplicated(t *testing.T) {
	for _, tc := range []struct {
		name   string
		anchor Anchor
		want   string
	}{
		{"missing type", Anchor{Type: "Gone", Field: []string{"X"}}, "type Gone found 0 times"},
		{"missing field", Anchor{Type: "Config", Field: []string{"Producer", "Gone"}}, "field Producer.Gone found 0 times"},
		{"field of a non-struct", Anchor{Type: "Config", Field: []string{"Producer", "Other", "X"}}, "Config.Producer.Other is not a struct type"},
		{"missing func", Anchor{Func: "Gone", Stmt: Defines("x")}, "func Gone found 0 times"},
		{"missing method", Anchor{Func: "(Config).Validate", Stmt: Defines("x")}, "method (Config).Validate found 0 times"},
		{"missing statement", Anchor{Func: "NewConfig", Stmt: AssignsTo("c.Gone")}, "statement assigning to c.Gone found 0 times"},
		{"defines is not assigns", Anchor{Func: "NewConfig", Stmt: AssignsTo("c")}, "statement assigning to c found 0 times"},
		{"if condition only", Anchor{Func: "NewConfig", Stmt: IfMentions("c")}, "found 0 times"},
		{"missing call", Anchor{Func: "NewConfig", Stmt: Calls("c.gone")}, "call of c.gone found 0 times"},
		{"call inside an expression", Anchor{Func: "Dup", Stmt: Calls("f")}, "call of f found 0 times"},
		{"duplicated statement", Anchor{Func: "Dup", Stmt: AssignsTo("x")}, "statement assigning to x found 2 times"},
		{"duplicated if", Anchor{Func: "Dup", Stmt: IfMentions("x")}, "if statement whose condition mentions x found 2 times"},
		{"duplicated func", Anchor{Func: "init"}, "func init found 2 times"},
		{"duplicated type", Anchor{Type: "T"}, "type T found 2 times"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := testConfigSrc + `
func Dup() {
	x := 0
	if x > 0 {
		x = 1
	}
	if x > 1 {
		x = 2
	}
	_ = x + f()
}

func f() int { return 0 }

func init() {}
func init() {}

type T int
type T2 = int
`
			// A second T makes the type ambiguous; the parser accepts it.
			src = strings.Replace(src, "type T2 = int", "type T = int", 1)
			_, err := applyOne(t, src, Edit{File: "config.go", Anchor: tc.anchor, Where: After, Code: "\t_ = 0"})
			var ee *EditError
			if !errors.As(err, &ee) {
				t.Fatalf("err = %v, want an *EditError", err)
			}
			msg := err.Error()
			for _, want := range []string{"config.go", tc.anchor.String(), testUpstream, tc.want, "tools/assemble/edits.go"} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not mention %q", msg, want)
				}
			}
		})
	}
}

func TestAnchorMustOwnItsLines(t *testing.T) {
	src := "package up\n\nfunc F() {\n\ta := 1; b := 2\n\t_, _ = a, b\n}\n"
	_, err := applyOne(t, src, Edit{File: "config.go", Anchor: Anchor{Func: "F", Stmt: Defines("a")}, Where: After, Code: "\t_ = 0"})
	if err == nil || !strings.Contains(err.Error(), "does not end its line") {
		t.Errorf("err = %v, want the anchor refused for sharing its line", err)
	}
	_, err = applyOne(t, src, Edit{File: "config.go", Anchor: Anchor{Func: "F", Stmt: Defines("b")}, Where: Before, Code: "\t_ = 0"})
	if err == nil || !strings.Contains(err.Error(), "does not start its line") {
		t.Errorf("err = %v, want the anchor refused for sharing its line", err)
	}
}

func TestAnchorsResolveAgainstUpstream(t *testing.T) {
	// The second edit's anchor would match twice if the first edit's code
	// counted; anchors are resolved on the untouched upstream source.
	edits := []Edit{
		{File: "config.go", Anchor: Anchor{Func: "NewConfig", Stmt: AssignsTo("c.Producer.CompressionLevel")}, Where: Before, Code: "\tc.Producer.CompressionLevel = 0"},
		{File: "config.go", Anchor: Anchor{Func: "NewConfig", Stmt: AssignsTo("c.Producer.CompressionLevel")}, Where: After, Code: "\tc.Producer.Other = 7"},
		{File: "config.go", Anchor: Anchor{Func: "NewConfig", Stmt: AssignsTo("c.Producer.CompressionLevel")}, Where: After, Code: "\tc.Producer.Other = 8"},
	}
	out, err := applyEdits("config.go", []byte(testConfigSrc), edits, testUpstream)
	if err != nil {
		t.Fatal(err)
	}
	want := "c.Producer.CompressionLevel = 0\n\tc.Producer.CompressionLevel = 1\n\tc.Producer.Other = 7\n\tc.Producer.Other = 8\n"
	if !strings.Contains(string(out), want) {
		t.Errorf("edits sharing an anchor out of order:\n%s", out)
	}
}

func TestBadEditCode(t *testing.T) {
	_, err := applyOne(t, testConfigSrc, Edit{File: "config.go", Anchor: Anchor{Func: "NewConfig", Stmt: Defines("c")}, Where: After, Code: "\tif {"})
	if err == nil || !strings.Contains(err.Error(), "does not compile as Go after the edits") {
		t.Errorf("err = %v, want a syntax error blamed on the edits", err)
	}
	for _, a := range []Anchor{{Type: "Config", Func: "NewConfig"}, {}, {Field: []string{"X"}, Func: "NewConfig"}, {Type: "Config", Stmt: Defines("c")}} {
		if _, err := applyOne(t, testConfigSrc, Edit{File: "config.go", Anchor: a, Where: After, Code: "\t_ = 0"}); err == nil {
			t.Errorf("anchor %+v accepted", a)
		}
	}
}

// TestRealEditsMatchPinnedUpstream checks every edit of edits.go against
// each supported upstream release in the module cache, those that have been
// downloaded.
func TestRealEditsMatchPinnedUpstream(t *testing.T) {
	rels, err := releases.Read(filepath.Join("..", "..", "upstream.pin"))
	if err != nil {
		t.Fatal(err)
	}
	cache := os.Getenv("GOMODCACHE")
	if cache == "" {
		cache = filepath.Join(os.Getenv("HOME"), "go", "pkg", "mod")
		if gp := os.Getenv("GOPATH"); gp != "" {
			cache = filepath.Join(filepath.SplitList(gp)[0], "pkg", "mod")
		}
	}
	for _, r := range rels {
		t.Run(r.Version, func(t *testing.T) {
			up := upstreamOf(r)
			up.Dir = filepath.Join(cache, "github.com", "!i!b!m", "sarama@"+up.Version)
			if up.Module != "github.com/IBM/sarama" {
				t.Skipf("pin names %s, not the module this test knows the cache path of", up.Module)
			}
			if _, err := os.Stat(up.Dir); err != nil {
				t.Skipf("upstream not in the module cache: %v", err)
			}
			checkRealEdits(t, up)
		})
	}
}

func checkRealEdits(t *testing.T, up Upstream) {
	byFile := map[string][]Edit{}
	for _, e := range edits {
		byFile[e.File] = append(byFile[e.File], e)
	}
	for f, es := range byFile {
		src, err := os.ReadFile(filepath.Join(up.Dir, f))
		if err != nil {
			t.Fatal(err)
		}
		out, err := applyEdits(f, src, es, up.ModVersion())
		if err != nil {
			t.Fatal(err)
		}
		flat := strings.Join(strings.Fields(string(out)), " ") // gofmt realigns
		for _, e := range es {
			for _, r := range e.Rows {
				if len(r) < 2 || !strings.Contains(flat, "| "+r[0]+" | "+r[1]+" |") {
					t.Errorf("%s: row %q of edit %s missing", f, r, e)
				}
			}
			for _, line := range strings.Split(strings.TrimSpace(e.Code), "\n") {
				if !strings.Contains(flat, strings.Join(strings.Fields(line), " ")) {
					t.Errorf("%s: line %q of edit %s missing", f, line, e)
				}
			}
		}
	}
	for _, r := range replacements {
		sum, err := fileSHA256(filepath.Join(up.Dir, r.File))
		if err != nil || sum != r.UpstreamSHA256 {
			t.Errorf("replacement %s: upstream sha256 %s (err %v), declared %s", r.File, sum, err, r.UpstreamSHA256)
		}
	}
}

const testVarSrc = `package up

var (
	// Limit bounds things.
	//
	// The default of 0 leaves them unbounded.
	Limit int32 = 0

	Other, Another = 1, 2
)

// Single is alone.
var Single = 2

var Bare = 3

const Limited = 4
`

// docOf parses src and returns the doc comment text of the variable name.
func docOf(t *testing.T, src, name string) string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "config.go", src, parser.ParseComments)
	if err != nil {
		t.Fatalf("result does not parse: %v\n%s", err, src)
	}
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok {
			continue
		}
		for _, s := range gd.Specs {
			if vs, ok := s.(*ast.ValueSpec); ok && vs.Names[0].Name == name {
				if vs.Doc != nil {
					return vs.Doc.Text()
				}
				return gd.Doc.Text()
			}
		}
	}
	t.Fatalf("no var %s in:\n%s", name, src)
	return ""
}

func TestVarAnchorAndDocEnd(t *testing.T) {
	const note = "\t//\n\t// In the fork, it bounds more.\n"
	for _, tc := range []struct {
		name, v, want string
	}{
		{"in a var block", "Limit", "Limit bounds things.\n\nThe default of 0 leaves them unbounded.\n\nIn the fork, it bounds more.\n"},
		{"alone", "Single", "Single is alone.\n\nIn the fork, it bounds more.\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := applyOne(t, testVarSrc, Edit{File: "config.go", Anchor: Anchor{Var: tc.v}, Where: DocEnd, Code: note})
			if err != nil {
				t.Fatal(err)
			}
			if got := docOf(t, out, tc.v); got != tc.want {
				t.Errorf("doc of %s = %q, want %q\n%s", tc.v, got, tc.want, out)
			}
		})
	}
	out, err := applyOne(t, testVarSrc, Edit{File: "config.go", Anchor: Anchor{Var: "Another"}, Where: After, Code: "\tAdded = 5"})
	if err != nil {
		t.Fatal(err)
	}
	if got := lineAfter(t, out, "Other, Another = 1, 2"); got != "Added          = 5" && got != "Added = 5" {
		t.Errorf("line after the var = %q\n%s", got, out)
	}
	out, err = applyOne(t, testConfigSrc, Edit{File: "config.go", Anchor: Anchor{Type: "Config", Field: []string{"Producer", "CompressionLevel"}}, Where: DocEnd, Code: "// More."})
	if err != nil || !strings.Contains(out, "// Level of compression.\n\t\t// More.\n\t\tCompressionLevel int") {
		t.Errorf("doc end of a field: %v\n%s", err, out)
	}
}

func TestVarAnchorMistakes(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit Edit
		want string
	}{
		{"missing", Edit{Anchor: Anchor{Var: "Gone"}, Where: After, Code: "var X = 1"}, "var Gone found 0 times"},
		{"a constant is not a var", Edit{Anchor: Anchor{Var: "Limited"}, Where: After, Code: "var X = 1"}, "var Limited found 0 times"},
		{"duplicated", Edit{Anchor: Anchor{Var: "Single"}, Where: After, Code: "var X = 1"}, "var Single found 2 times"},
		{"no doc comment", Edit{Anchor: Anchor{Var: "Bare"}, Where: DocEnd, Code: "// x"}, "the anchor has no doc comment"},
		{"code at the doc's end", Edit{Anchor: Anchor{Var: "Limit"}, Where: DocEnd, Code: "// x\nvar Y = 1"}, "comment lines only"},
		{"var and func", Edit{Anchor: Anchor{Var: "Limit", Func: "F"}, Where: After, Code: "var X = 1"}, "names more than one of"},
		{"doc end of a table row", Edit{Anchor: Anchor{TableRow: "x"}, Where: DocEnd, Rows: [][]string{{"a"}}}, "no doc comment to end"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.edit.File = "config.go"
			_, err := applyOne(t, testVarSrc+"\nvar Single = 9\n", tc.edit)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

const testReplaceSrc = `package up

import (
	"runtime"
	"sync"
)

// Params is kept.
type Params struct{ Level int }

var (
	cache sync.Map
	mu    sync.Mutex
)

// procs is removed with its doc comment.
func procs() int { return runtime.GOMAXPROCS(0) }

func use() {
	mu.Lock()
	_ = procs() // gone with its line
	mu.Unlock()
}

func table() []int {
	return nil
}

var cases = []string{
	"a",
	"b",
}
`

// sumOf is the sha256 that a Replace edit of the lines of src from the one
// containing first through the one containing last records.
func sumOf(t *testing.T, src, first, last string) string {
	t.Helper()
	start := strings.LastIndex(src[:strings.Index(src, first)], "\n") + 1
	end := strings.Index(src, last) + len(last)
	end += strings.Index(src[end:], "\n") + 1
	return sha256Hex([]byte(src[start:end]))
}

func TestReplaceRemovesOrRewritesWholeLines(t *testing.T) {
	src := testReplaceSrc
	edits := []Edit{
		{File: "config.go", Anchor: Anchor{Import: "runtime"}, Where: Replace, UpstreamSHA256: sumOf(t, src, `"runtime"`, `"runtime"`)},
		{File: "config.go", Anchor: Anchor{Decl: "cache"}, Where: Replace, UpstreamSHA256: sumOf(t, src, "var (", "mu    sync.Mutex\n)")},
		{File: "config.go", Anchor: Anchor{Decl: "procs"}, Where: Replace, UpstreamSHA256: sumOf(t, src, "// procs is", "func procs")},
		{File: "config.go", Anchor: Anchor{Func: "use", Stmt: AssignsTo("_")}, Where: Replace, UpstreamSHA256: sumOf(t, src, "_ = procs()", "_ = procs()"),
			Code: "\t_ = 1\n"},
		{File: "config.go", Anchor: Anchor{Func: "use", Stmt: Calls("mu.Lock")}, Where: Before, Code: "\t_ = 0\n"},
	}
	// The mutex goes with its declaration group: the calls of use go too.
	edits = append(edits, Edit{File: "config.go", Anchor: Anchor{Func: "use", Stmt: Calls("mu.Unlock")}, Where: Replace,
		UpstreamSHA256: sumOf(t, src, "mu.Unlock()", "mu.Unlock()")})
	edits = append(edits, Edit{File: "config.go", Anchor: Anchor{Func: "use", Stmt: Calls("mu.Lock")}, Where: Replace,
		UpstreamSHA256: sumOf(t, src, "mu.Lock()", "mu.Lock()")})
	// An insertion before replaced lines, at the same offset, is refused.
	if _, err := applyEdits("config.go", []byte(src), edits, testUpstream); err == nil || !strings.Contains(err.Error(), "edits overlap") {
		t.Fatalf("err = %v, want the insertion at replaced lines refused", err)
	}
	edits = append(edits[:4], edits[5:]...)
	out, err := applyEdits("config.go", []byte(src), edits, testUpstream)
	if err != nil {
		t.Fatal(err)
	}
	want := "package up\n\nimport (\n\t\"sync\"\n)\n\n// Params is kept.\ntype Params struct{ Level int }\n\nfunc use() {\n\t_ = 1\n}\n"
	if !strings.HasPrefix(string(out), want) {
		t.Errorf("got\n%s\nwant it to start with\n%s", out, want)
	}
}

func TestEmptyImportsGo(t *testing.T) {
	src := "package up\n\nimport (\n\t\"runtime\"\n)\n\nvar x int\n"
	out, err := applyOne(t, src, Edit{File: "config.go", Anchor: Anchor{Import: "runtime"}, Where: Replace, UpstreamSHA256: sumOf(t, src, `"runtime"`, `"runtime"`)})
	if err != nil {
		t.Fatal(err)
	}
	if out != "package up\n\nvar x int\n" {
		t.Errorf("got %q", out)
	}
}

func TestReplaceChecksUpstreamSum(t *testing.T) {
	e := Edit{File: "config.go", Anchor: Anchor{Decl: "procs"}, Where: Replace, UpstreamSHA256: sumOf(t, testReplaceSrc, "// procs is", "func procs")}
	changed := strings.Replace(testReplaceSrc, "GOMAXPROCS(0)", "NumCPU()", 1)
	_, err := applyOne(t, changed, e)
	var ee *EditError
	if !errors.As(err, &ee) || !strings.Contains(err.Error(), "changed upstream") {
		t.Errorf("err = %v, want the upstream change reported", err)
	}
	for _, bad := range []Edit{
		{File: "config.go", Anchor: Anchor{Decl: "procs"}, Where: Replace},
		{File: "config.go", Anchor: Anchor{Decl: "procs"}, Where: After, Code: "var x int", UpstreamSHA256: e.UpstreamSHA256},
		{File: "config.go", Anchor: Anchor{Decl: "procs"}, Where: After},
		{File: "config.go", Anchor: Anchor{Decl: "procs", Func: "use"}, Where: After, Code: "var x int"},
	} {
		if _, err := applyOne(t, testReplaceSrc, bad); err == nil {
			t.Errorf("edit %+v accepted", bad)
		}
	}
}

func TestAtEnd(t *testing.T) {
	edits := []Edit{
		{File: "config.go", Anchor: Anchor{Decl: "cases"}, Where: AtEnd, Code: "\t\"c\",\n"},
		{File: "config.go", Anchor: Anchor{Func: "table"}, Where: AtEnd, Code: "\t// unreachable\n"},
	}
	if _, err := applyEdits("config.go", []byte(testReplaceSrc), edits, testUpstream); err == nil || !strings.Contains(err.Error(), "neither a function nor one composite literal") {
		t.Errorf("err = %v, want a var declaration group refused as a literal", err)
	}
	src := strings.Replace(testReplaceSrc, "var cases = []string{", "func tests() {\n\tcases := []string{", 1) + "\t_ = cases\n}\n"
	edits[0].Anchor = Anchor{Func: "tests", Stmt: Defines("cases")}
	out, err := applyEdits("config.go", []byte(src), edits, testUpstream)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\t\t\"b\",\n\t\t\"c\",\n\t}\n", "\treturn nil\n\t// unreachable\n}\n"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("result lacks %q:\n%s", want, out)
		}
	}
}

func TestDeclAndImportAnchorsCount(t *testing.T) {
	src := testReplaceSrc + "\nfunc (Params) procs() {}\n"
	for _, tc := range []struct {
		anchor Anchor
		want   string
	}{
		{Anchor{Decl: "gone"}, "declaration of gone found 0 times"},
		{Anchor{Import: "os"}, "import os found 0 times"},
	} {
		if _, err := applyOne(t, src, Edit{File: "config.go", Anchor: tc.anchor, Where: After, Code: "var x int"}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.anchor, err, tc.want)
		}
	}
	// A method of the same name is not the function's declaration.
	if _, err := applyOne(t, src, Edit{File: "config.go", Anchor: Anchor{Decl: "procs"}, Where: After, Code: "var x int"}); err != nil {
		t.Error(err)
	}
}
