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
