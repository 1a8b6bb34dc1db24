package main

import (
	"strings"
	"testing"
)

// testPoolSrc is an overlay file as its last step has it: the earlier
// steps' forms are derived by taking parts out.
const testPoolSrc = `package up

import (
	"fmt"
	"time"
)

// pool is the overlay's.
type pool struct {
	size int
	// idle is a later step's.
	idle time.Duration
}

func newPool() *pool {
	p := &pool{size: 1}
	// A later step sets the idle time.
	p.idle = time.Second
	return p
}

func (p *pool) describe() string { return fmt.Sprint(p.size) }

// reap is a later step's.
func (p *pool) reap() {
	p.idle = 0
}

// tune is replaced whole by a later step.
func tune() int { return 2 }
`

func TestRemoveParts(t *testing.T) {
	idleParts := []prPart{
		{File: "pool.go", Anchor: Anchor{Type: "pool", Field: []string{"idle"}}},
		{File: "pool.go", Anchor: Anchor{Func: "newPool", Stmt: AssignsTo("p.idle")}},
		{File: "pool.go", Anchor: Anchor{Func: "(*pool).reap"}},
	}
	for _, tc := range []struct {
		name        string
		parts       []prPart
		want, avoid []string
	}{
		{
			name:  "field, statement and method, with the import only they used",
			parts: idleParts,
			want:  []string{"import \"fmt\"\n", "type pool struct {\n\tsize int\n}", "p := &pool{size: 1}\n\treturn p", "func tune() int { return 2 }"},
			avoid: []string{"idle", "time", "reap", "A later step"},
		},
		{
			name:  "a function replaced whole by its earlier form",
			parts: []prPart{{File: "pool.go", Anchor: Anchor{Decl: "tune"}, Earlier: "// tune as it was.\nfunc tune() int { return 1 }\n"}},
			want:  []string{"// tune as it was.\nfunc tune() int { return 1 }", "\t\"time\"\n"},
			avoid: []string{"replaced whole", "return 2"},
		},
		{
			name:  "a whole type and what uses it",
			parts: append(idleParts[1:], prPart{File: "pool.go", Anchor: Anchor{Func: "(*pool).describe"}}, prPart{File: "pool.go", Anchor: Anchor{Func: "newPool"}}, prPart{File: "pool.go", Anchor: Anchor{Decl: "pool"}}),
			want:  []string{"package up\n\n// tune is replaced whole"},
			avoid: []string{"import", "pool"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := removeParts("pool.go", []byte(testPoolSrc), tc.parts)
			if err != nil {
				t.Fatal(err)
			}
			got := string(out)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("lacks %q:\n%s", w, got)
				}
			}
			for _, a := range tc.avoid {
				if strings.Contains(got, a) {
					t.Errorf("still has %q:\n%s", a, got)
				}
			}
		})
	}
}

func TestRemovePartsRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		part prPart
		want string
	}{
		{"missing", prPart{File: "pool.go", Anchor: Anchor{Func: "gone"}}, "func gone found 0 times"},
		{"import", prPart{File: "pool.go", Anchor: Anchor{Import: "time"}}, "imports follow the code"},
		{"whole type as Type", prPart{File: "pool.go", Anchor: Anchor{Type: "pool"}}, "named with Decl"},
		{"earlier form of a statement", prPart{File: "pool.go", Anchor: Anchor{Func: "newPool", Stmt: AssignsTo("p.idle")}, Earlier: "p.idle = 0\n"}, "only a function is replaced whole"},
		{"long earlier form", prPart{File: "pool.go", Anchor: Anchor{Decl: "tune"}, Earlier: strings.Repeat("// x\n", prMaxEarlierLines) + "func tune() int { return 1 }\n"}, "more than 30 lines"},
		{"unclean path", prPart{File: "./pool.go", Anchor: Anchor{Decl: "tune"}}, "clean relative path"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := removeParts("pool.go", []byte(testPoolSrc), []prPart{tc.part})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestDropUnusedImportsKeepsWhatIsUsed(t *testing.T) {
	src := `package up

import (
	_ "embed"
	. "strings"
	"math/rand/v2"
	metrics "github.com/rcrowley/go-metrics"
	"github.com/example/go-thing"
	"sync/atomic"
)

import "os"

var _ = rand.N(2)
var _ = thing.X
var _ = ToUpper("x")

func f() {
	var atomic int // a local of the import's name uses no import
	_ = atomic
}
`
	out, err := dropUnusedImports("x.go", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	got := string(out)
	for _, w := range []string{`_ "embed"`, `. "strings"`, `"math/rand/v2"`, `"github.com/example/go-thing"`} {
		if !strings.Contains(got, w) {
			t.Errorf("dropped %s:\n%s", w, got)
		}
	}
	for _, a := range []string{"go-metrics", "sync/atomic", `"os"`} {
		if strings.Contains(got, a) {
			t.Errorf("kept %s:\n%s", a, got)
		}
	}
}

// TestMentionsAndIfWith takes out statements that AssignsTo, Calls and
// IfMentions cannot tell apart: ifs of the same condition, told apart by
// their blocks, and calls of the same method, told apart by an argument.
func TestMentionsAndIfWith(t *testing.T) {
	src := `package up

func compress(b *batch) error {
	pool := defaultPool()
	var l lease
	// The batch's own pool.
	if b.own != nil {
		pool = b.own.pool
	}
	if b.own != nil {
		l.metrics = b.own.metrics
	}
	if !done {
		l.metrics.drop(dropFailed)
		l.enc = nil
	}
	if full {
		l.metrics.drop(dropIdleLimit)
		return nil
	}
	defer func() { l.metrics.drop(dropDeferred) }()
	return pool.use(&l)
}
`
	parts := []prPart{
		{File: "c.go", Anchor: Anchor{Func: "compress", Stmt: IfWith(AssignsTo("pool"))}},
		{File: "c.go", Anchor: Anchor{Func: "compress", Stmt: IfWith(AssignsTo("l.metrics"))}},
		{File: "c.go", Anchor: Anchor{Func: "compress", Stmt: Mentions("dropFailed")}},
		{File: "c.go", Anchor: Anchor{Func: "compress", Stmt: Mentions("dropIdleLimit")}},
	}
	out, err := removeParts("c.go", []byte(src), parts)
	if err != nil {
		t.Fatal(err)
	}
	want := `package up

func compress(b *batch) error {
	pool := defaultPool()
	var l lease
	if !done {
		l.enc = nil
	}
	if full {
		return nil
	}
	defer func() { l.metrics.drop(dropDeferred) }()
	return pool.use(&l)
}
`
	if string(out) != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
	for _, tc := range []struct {
		m    *StmtMatch
		want string
	}{
		{Mentions("b.own"), "statement mentioning b.own found 2 times"},  // the assignments in the ifs, not the ifs
		{Mentions("dropDeferred"), "the anchor does not start its line"}, // the call in the func literal, not the defer
		{IfWith(Calls("l.metrics.drop")), "if statement with a call of l.metrics.drop found 2 times"},
		{IfMentions("own"), "if statement whose condition mentions own found 2 times"},
	} {
		_, err := removeParts("c.go", []byte(src), []prPart{{File: "c.go", Anchor: Anchor{Func: "compress", Stmt: tc.m}}})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.m, err, tc.want)
		}
	}
}

// TestRemovePartsLeavesNoStrayBlankLine takes out the last field of a
// struct after a blank line, the first statement of a block before one and
// the last after one: no blank line is left against the braces.
func TestRemovePartsLeavesNoStrayBlankLine(t *testing.T) {
	src := `package up

type lease struct {
	enc int

	// metrics is a later step's.
	metrics *int
}

func f() int {
	// a later step's.
	n := 1

	return n
}

func g(n int) {
	n = 2

	// a later step's.
	use(n)
}
`
	for _, tc := range []struct {
		a    Anchor
		want string
	}{
		{Anchor{Type: "lease", Field: []string{"metrics"}}, "type lease struct {\n\tenc int\n}\n"},
		{Anchor{Func: "f", Stmt: Defines("n")}, "func f() int {\n\treturn n\n}\n"},
		{Anchor{Func: "g", Stmt: Calls("use")}, "func g(n int) {\n\tn = 2\n}\n"},
	} {
		out, err := removeParts("l.go", []byte(src), []prPart{{File: "l.go", Anchor: tc.a}})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(out), tc.want) {
			t.Errorf("%s taken out:\n%s\nwant %q", tc.a, out, tc.want)
		}
	}
}
