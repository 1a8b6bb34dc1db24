package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

const testAuthor = "Random J Developer <random@developer.example.org>"

// testStackPoolSrc is testPoolSrc with a statement of the fork's own, which
// no pull request ships.
var testStackPoolSrc = strings.Replace(testPoolSrc, "\treturn p\n}", "\tp.size = forkSize(p.size)\n\treturn p\n}", 1)

// testStackSteps is a stack over testStackOptions' trees: a pull request on
// upstream with the first form of pool.go (three parts and a function of
// the next step's taken out); one on it with those parts, a file and a test
// of its own; one on upstream alone; and a slot of the fork's own.
func testStackSteps() []prStep {
	return []prStep{
		{
			ID: "one", Slug: "add-field", Subject: "feat(up): add the field", Body: "The field and its default.",
			Overlay: []string{"pool.go", "pool_test.go", "replaced.go"},
			API:     []string{"Config.Producer.Added"},
			Why:     "the change",
		},
		{
			ID: "two", Slug: "idle", Subject: "perf(up): release idle things",
			Overlay: []string{"added.go", "idle_test.go"},
			Parts: []prPart{
				{File: "pool.go", Anchor: Anchor{Type: "pool", Field: []string{"idle"}}},
				{File: "pool.go", Anchor: Anchor{Func: "newPool", Stmt: AssignsTo("p.idle")}},
				{File: "pool.go", Anchor: Anchor{Func: "(*pool).reap"}},
				{File: "pool.go", Anchor: Anchor{Decl: "tune"}, Earlier: "// tune as it was.\nfunc tune() int { return 1 }\n"},
			},
			API: []string{"Added"},
			Why: "idle release",
		},
		{
			ID: "three", Slug: "other", Subject: "fix(up): an independent fix", OnUpstream: true,
			Overlay: []string{"other.go"},
			API:     []string{"Other"},
			Why:     "a fix of its own",
		},
		{
			ID: "fork", Slot: true,
			Overlay: []string{"fork.go", "fork_test.go"},
			Parts:   []prPart{{File: "pool.go", Anchor: Anchor{Func: "newPool", Stmt: AssignsTo("p.size")}}},
			Why:     "the fork's own",
		},
	}
}

func testStackOptions(t *testing.T) PROptions {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	o := testOptions(t)
	es := testEdits()
	es[0].Step, es[1].Step, es[2].Step = "one", "one", "two"
	o.Edits = es
	writeTree(t, o.OverlayDir, map[string]string{
		"pool.go":      testStackPoolSrc,
		"pool_test.go": "package up\n\nimport \"testing\"\n\nfunc TestPool(t *testing.T) {\n\tif newPool().size != 1 || tune() < 1 {\n\t\tt.Fatal(\"pool\")\n\t}\n}\n",
		"idle_test.go": "package up\n\nimport \"testing\"\n\nfunc TestIdle(t *testing.T) {\n\tp := newPool()\n\tp.reap()\n\tif p.idle != 0 {\n\t\tt.Fatal(\"idle\")\n\t}\n}\n",
		"other.go":     "package up\n\n// Other is a fix of its own.\nfunc Other() int { return 3 }\n",
		"fork.go":      "package up\n\nfunc forkSize(n int) int { return n }\n",
		"fork_test.go": "package up\n",
	})
	root := filepath.Dir(o.OverlayDir)
	return PROptions{Options: o, Steps: testStackSteps(), Dir: filepath.Join(root, "build", "pr"), Author: testAuthor,
		Date: "2026-02-03T04:05:06+00:00", Results: filepath.Join(root, "results.json")}
}

func gitOut(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := gitID{name: "t", email: "t@example.com", date: prFallbackDate}.output(dir, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestStackAppliesInOrder(t *testing.T) {
	o := testStackOptions(t)
	s, err := makeStack(o)
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, b := range s.PRs {
		dirs = append(dirs, filepath.Base(b.Dir))
	}
	if got := strings.Join(dirs, " "); got != "1-add-field 2-idle 3-other" {
		t.Fatalf("pull requests %s", got)
	}
	first := readFile(t, s.PRs[0].Patches[0])
	for _, want := range []string{
		"From: Random J Developer <random@developer.example.org>",
		"Subject: [PATCH] feat(up): add the field",
		"\nSigned-off-by: " + testAuthor + "\n",
		"Date: Tue, 3 Feb 2026 04:05:06 +0000",
		"+\tc.Producer.Added = 3", "pool_test.go", "replaced.go",
		"+import \"fmt\"\n", "+func tune() int { return 1 }",
	} {
		if !strings.Contains(first, want) {
			t.Errorf("first patch lacks %q:\n%s", want, first)
		}
	}
	for _, avoid := range []string{"idle", "time", "reap", "fork", "tune() int { return 2 }", "other.go", "added.go"} {
		if strings.Contains(first, avoid) {
			t.Errorf("first patch has %q, of a later step or of the fork:\n%s", avoid, first)
		}
	}
	second := readFile(t, s.PRs[1].Patches[0])
	for _, want := range []string{"Subject: [PATCH] perf(up): release idle things", "+\tidle time.Duration", "+\tp.idle = time.Second", "+func (p *pool) reap() {", "-func tune() int { return 1 }", "+func tune() int { return 2 }", "+\t\"time\"", "if c.Producer.Added < 0", "idle_test.go", "added.go"} {
		if !strings.Contains(second, want) {
			t.Errorf("second patch lacks %q:\n%s", want, second)
		}
	}
	if strings.Contains(second, "forkSize") {
		t.Errorf("second patch has the fork's statement:\n%s", second)
	}
	third := readFile(t, s.PRs[2].Patches[0])
	if !strings.Contains(third, "other.go") || strings.Contains(third, "pool.go") || strings.Contains(third, "Added") {
		t.Errorf("third patch is not other.go alone on upstream:\n%s", third)
	}

	// git am onto pristine bases, as a maintainer would: the first two
	// in turn, the third on upstream.
	dir := t.TempDir()
	if err := copyTree(o.Upstream.Dir, dir); err != nil {
		t.Fatal(err)
	}
	gitOut(t, dir, "init", "-q", "-b", "up")
	gitOut(t, dir, "add", "-A")
	gitOut(t, dir, "commit", "-q", "-m", "upstream")
	gitOut(t, dir, "checkout", "-q", "-b", "stack")
	for i, b := range s.PRs {
		if i == 2 {
			gitOut(t, dir, "checkout", "-q", "-b", "other", "up")
		}
		gitOut(t, dir, append([]string{"am", "-q"}, b.Patches...)...)
		if got := gitOut(t, dir, "rev-parse", "HEAD^{tree}"); got != b.Tree {
			t.Errorf("%s applied gives tree %s, the stack made %s", b.Dir, got, b.Tree)
		}
		log := gitOut(t, dir, "log", "-1", "--format=%an <%ae>|%s|%(trailers:key=Signed-off-by,valueonly,separator=;)")
		if want := testAuthor + "|" + b.Step.Subject + "|" + testAuthor; log != want {
			t.Errorf("applied commit %q, want %q", log, want)
		}
		numstat := gitOut(t, dir, "diff", "--shortstat", "HEAD~1", "HEAD")
		if !strings.Contains(numstat, "insertion") || b.Size.Add == 0 {
			t.Errorf("%s: size %+v, git says %s", b.Dir, b.Size, numstat)
		}
	}
	if got := strings.Join(s.PRs[0].API, " "); got != "Config.Producer.Added" {
		t.Errorf("first pull request's API %q", got)
	}
	if _, err := os.Stat(filepath.Join(o.Dir, "1-add-field", prDescriptionName)); !os.IsNotExist(err) {
		t.Errorf("PR.md written without Description (err %v)", err)
	}
	if l := leftovers(t, o.Dir); len(l) != 0 {
		t.Errorf("left beside the stack: %v", l)
	}
}

func TestStackSizes(t *testing.T) {
	o := testStackOptions(t)
	s, err := makeStack(o)
	if err != nil {
		t.Fatal(err)
	}
	// pool_test.go 9 lines, replaced.go 1 changed line (+1 -1), pool.go
	// as derived, and the two edits of config.go (2 lines).
	pool := gitOut(t, s.Repo, "show", s.PRs[0].Branch+":pool.go")
	want := prSize{Add: 9 + 1 + strings.Count(pool, "\n") + 1 + 2, Del: 1}
	if s.PRs[0].Size != want {
		t.Errorf("first size %+v, want %+v", s.PRs[0].Size, want)
	}
	for _, tc := range []struct {
		total int
		label string
	}{{0, "XS"}, {9, "XS"}, {10, "S"}, {59, "S"}, {60, "M"}, {299, "M"}, {300, "L"}, {599, "L"}, {600, "XL"}, {999, "XL"}, {1000, "XXL"}} {
		if got := (prSize{Add: tc.total}).Label(); got != tc.label {
			t.Errorf("%d lines: size/%s, want size/%s", tc.total, got, tc.label)
		}
	}
}

func TestStackRefusesWhatUpstreamWouldNotMerge(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(o *PROptions)
		want  string
	}{
		{"over the size limit", func(o *PROptions) {
			writeTree(t, o.OverlayDir, map[string]string{"other.go": "package up\n\n// Other is a fix of its own.\nfunc Other() int { return 3 }\n" + strings.Repeat("\n// padding\n", 300)})
		}, "pull request 3 (three): 604 lines changed (+604 -0, size/XL), over 599"},
		{"undeclared API", func(o *PROptions) { o.Steps[2].API = nil }, "adds the exported identifiers [Other], its step declares []"},
		{"build-constrained file", func(o *PROptions) {
			writeTree(t, o.OverlayDir, map[string]string{"other.go": "//go:build linux\n\npackage up\n\n// Other is a fix of its own.\nfunc Other() int { return 3 }\n"})
		}, "adds other.go, which has a //go:build constraint"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := testStackOptions(t)
			tc.setup(&o)
			s, err := makeStack(o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if _, statErr := os.Stat(s.PRs[2].Patches[0]); statErr != nil {
				t.Errorf("the refused stack is not written, to be looked at: %v", statErr)
			}
		})
	}
}

func TestStackRefusesWithoutIdentity(t *testing.T) {
	o := testStackOptions(t)
	for _, author := range []string{"", "Random J Developer", "<random@example.org>", "Random <random>", "Random <a@b> x"} {
		o.Author = author
		_, err := makeStack(o)
		if err == nil || !strings.Contains(err.Error(), "make pr AUTHOR=") || !strings.Contains(err.Error(), "Signed-off-by") {
			t.Errorf("author %q: err = %v, want a refusal that says how to give one", author, err)
		}
		if _, err := os.Stat(o.Dir); !os.IsNotExist(err) {
			t.Fatalf("author %q: %s written", author, o.Dir)
		}
	}
}

func TestStackIsReproducible(t *testing.T) {
	o := testStackOptions(t)
	s, err := makeStack(o)
	if err != nil {
		t.Fatal(err)
	}
	first := readFile(t, s.PRs[1].Patches[0])
	again, err := makeStack(o)
	if err != nil {
		t.Fatal(err)
	}
	if readFile(t, again.PRs[1].Patches[0]) != first || again.PRs[1].Tree != s.PRs[1].Tree {
		t.Error("a second run wrote a different stack")
	}
}

func TestNewStackRefuses(t *testing.T) {
	edit := func(step string) []Edit { return []Edit{{File: "f.go", Step: step}} }
	for _, tc := range []struct {
		name  string
		steps func([]prStep) []prStep
		edits []Edit
		want  string
	}{
		{"capitalized subject", func(s []prStep) []prStep { s[0].Subject = "feat(up): Add"; return s }, nil, "not a conventional commit subject"},
		{"no type", func(s []prStep) []prStep { s[0].Subject = "up: add the field"; return s }, nil, "not a conventional commit subject"},
		{"final period", func(s []prStep) []prStep { s[0].Subject = "feat: add the field."; return s }, nil, "not a conventional commit subject"},
		{"long subject", func(s []prStep) []prStep { s[0].Subject = "feat: " + strings.Repeat("x", 67); return s }, nil, "at most 72"},
		{"bad slug", func(s []prStep) []prStep { s[0].Slug = "Add Field"; return s }, nil, "not a lower-case directory name"},
		{"slug twice", func(s []prStep) []prStep { s[1].Slug = s[0].Slug; return s }, nil, "used once"},
		{"duplicate step", func(s []prStep) []prStep { s[1].ID = "one"; return s }, nil, "named twice"},
		{"reserved step", func(s []prStep) []prStep { s[1].ID = prBaseUpstream; return s }, nil, "reserved"},
		{"file brought twice", func(s []prStep) []prStep { s[1].Overlay = []string{"replaced.go"}; return s }, nil, "brought by steps one and two"},
		{"part in its own file", func(s []prStep) []prStep { s[0].Parts = s[1].Parts[:1]; return s }, nil, "in a file the step brings itself"},
		{"part in a later file", func(s []prStep) []prStep {
			s[0].Parts = []prPart{{File: "added.go", Anchor: Anchor{Decl: "Added"}}}
			return s
		}, nil, "in a file of step two, which is not in its chain"},
		{"part in another chain", func(s []prStep) []prStep {
			s[2].Parts = []prPart{{File: "pool.go", Anchor: Anchor{Decl: "tune"}}}
			return s
		}, nil, "in a file of step one, which is not in its chain"},
		{"part in no file", func(s []prStep) []prStep { s[1].Parts[0].File = "gone.go"; return s }, nil, "in a file no step brings"},
		{"slot part in a slot file", func(s []prStep) []prStep {
			return append(s, prStep{ID: "fork2", Slot: true, Parts: []prPart{{File: "fork.go", Anchor: Anchor{Decl: "forkSize"}}}})
		}, nil, "in a file of a slot"},
		{"edit of no step", func(s []prStep) []prStep { return s }, edit("gone"), `names step "gone"`},
		{"edit without step", func(s []prStep) []prStep { return s }, edit(""), `names step ""`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := newStack(tc.steps(testStackSteps()), tc.edits)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
	st, err := newStack(testStackSteps(), edit("fork"))
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{"one": "one", "two": "one two", "three": "three", "fork": "fork"} {
		var got []string
		for _, s := range testStackSteps() {
			if st.chain(id)[s.ID] {
				got = append(got, s.ID)
			}
		}
		if strings.Join(got, " ") != want {
			t.Errorf("chain of %s: %v, want %s", id, got, want)
		}
	}
}

func TestCheckOverlayRefuses(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(o *PROptions)
		want  string
	}{
		{"file of no step", func(o *PROptions) { writeTree(t, o.OverlayDir, map[string]string{"stray.go": "package up\n"}) }, "stray.go is brought by no step"},
		{"file missing", func(o *PROptions) { o.Steps[0].Overlay = append(o.Steps[0].Overlay, "gone.go") }, "step one brings gone.go, which"},
		{"part not found", func(o *PROptions) { o.Steps[1].Parts[2].Anchor.Func = "(*pool).gone" }, "method (*pool).gone found 0 times"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := testStackOptions(t)
			tc.setup(&o)
			if _, err := makeStack(o); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestRefill(t *testing.T) {
	got := refill("  one two\nthree "+strings.Repeat("x", 10)+"\n\nsecond   paragraph\n", 13)
	want := "one two three\nxxxxxxxxxx\n\nsecond\nparagraph\n"
	if got != want {
		t.Errorf("refill = %q, want %q", got, want)
	}
}

func TestStackTextsQuoteTheirOwnFreshMeasurements(t *testing.T) {
	o := testStackOptions(t)
	o.Texts = fstest.MapFS{
		"common.md":     {Data: []byte(`{{define "head"}}{{.PR.N}}. {{.PR.Step.Subject}} on {{.PR.Base}}, {{.PR.Size.Total}} lines{{end}}`)},
		"one.md":        {Data: []byte("{{template \"head\" .}}\n{{.PR.R.Bench.Output}}\n")},
		"two.md":        {Data: []byte("{{template \"head\" .}}\n{{.PR.R.Bench.Output}}\n")},
		"three.md":      {Data: []byte("{{template \"head\" .}}\n{{.PR.R.Bench.Output}}\n")},
		"index.md":      {Data: []byte("{{range .Stack}}{{.N}} {{.Dir}} {{.Size.Label}} {{if .R}}{{.R.Date}}{{else}}stale{{end}}\n{{end}}")},
		"discussion.md": {Data: []byte("{{.PR.R.Bench.Output}}\n")},
	}
	o.Description = true
	_, err := makeStack(o)
	if err == nil || !strings.Contains(err.Error(), "1-add-field/PR.md not written") || !strings.Contains(err.Error(), "make pr-bench") {
		t.Fatalf("err = %v, want PR.md refused without measurements", err)
	}
	if got := readFile(t, filepath.Join(o.Dir, prIndexName)); got != "1 1-add-field S stale\n2 2-idle S stale\n3 3-other XS stale\n" {
		t.Errorf("index without measurements:\n%s", got)
	}

	// Measurements of each pull request's own trees; the third's of another.
	s, _ := makeStack(o)
	r := &prResults{Steps: map[string]*prResult{}}
	for _, b := range s.PRs {
		r.Steps[b.Step.ID] = &prResult{Date: "2026-03-0" + b.Step.ID[:1], Tree: b.Tree, BaseTree: b.BaseTree, Bench: &prRun{Output: "bench of " + b.Step.ID}}
	}
	r.Steps["three"].BaseTree = "0000"
	if err := writeResults(o.Results, r); err != nil {
		t.Fatal(err)
	}
	_, err = makeStack(o)
	if err == nil || !strings.Contains(err.Error(), "3-other/PR.md not written") || strings.Contains(err.Error(), "1-add-field") {
		t.Fatalf("err = %v, want only the third refused", err)
	}
	for dir, want := range map[string]string{
		"1-add-field": "1. feat(up): add the field on example.com/up v1.2.3, " + strconv.Itoa(s.PRs[0].Size.Total()) + " lines\nbench of one\n",
		"2-idle":      "2. perf(up): release idle things on pull request 1 (feat(up): add the field), " + strconv.Itoa(s.PRs[1].Size.Total()) + " lines\nbench of two\n",
	} {
		if got := readFile(t, filepath.Join(o.Dir, dir, prDescriptionName)); got != want {
			t.Errorf("%s/PR.md:\n%s\nwant:\n%s", dir, got, want)
		}
	}
	if got := readFile(t, filepath.Join(o.Dir, prDiscussionName)); got != "bench of one\n" {
		t.Errorf("DISCUSSION.md quotes %q, want pull request 1's measurements", got)
	}
	if _, err := os.Stat(filepath.Join(o.Dir, "3-other", prDescriptionName)); !os.IsNotExist(err) {
		t.Errorf("PR.md with measurements of another base written (err %v)", err)
	}
	if got := strings.Join(r.stale(s), ","); got != "3-other" {
		t.Errorf("stale: %s", got)
	}
}

func TestAPIOf(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"a.go": `package up

type Config struct {
	Producer struct {
		Zstd  ZstdConfig
		level int
	}
	hidden int
}

type ZstdConfig struct{ MaxInUse int }

type pool struct{ Exported int }

func (c *Config) Validate() error { return nil }
func (p *pool) Get()              {}
func New() *Config                { return nil }

var ErrX, errY error

const Limit = 1
`,
		"a_test.go": "package up\n\nfunc TestOnly() {}\n",
	})
	api, err := apiOf(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(addedAPI(nil, api), " ")
	want := "Config Config.Producer Config.Producer.Zstd Config.Validate ErrX Limit New ZstdConfig ZstdConfig.MaxInUse"
	if got != want {
		t.Errorf("api %s\nwant %s", got, want)
	}
}

// TestRealSeries checks series.go against edits.go, _overlay/ and the texts.
func TestRealSeries(t *testing.T) {
	st, err := newStack(prSteps, edits)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.checkOverlay(filepath.Join("..", "..", "_overlay")); err != nil {
		t.Fatal(err)
	}
	for _, s := range st.offered {
		if _, err := prTexts.Open("prtext/" + s.ID + ".md"); err != nil {
			t.Errorf("pull request %s has no text: %v", s.ID, err)
		}
	}
	if _, err := readResults("pr-results.json"); err != nil {
		t.Error(err)
	}
	// The first pull request is the fix alone: no new API, no knob.
	if first := st.offered[0]; first.ID != stepPool || len(first.API) != 0 || first.OnUpstream {
		t.Errorf("the first pull request is %s with API %v", first.ID, first.API)
	}
}

func TestCheckStack(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command on each pull request")
	}
	o := testStackOptions(t)
	s, err := makeStack(o)
	if err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	tests := []prCheckRun{{Flags: []string{"-count=1"}, Run: "."}}
	if err := checkStack(o, s, tests, &log); err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	for _, want := range []string{
		"1/3 feat(up): add the field on example.com/up@v1.2.3: applies; build, vet ok; tests 1 passed (",
		"2/3 perf(up): release idle things on pull request 1: applies",
		"3/3 fix(up): an independent fix on example.com/up@v1.2.3: applies",
		"the stack of 3 pull requests applies to example.com/up@v1.2.3 and passes",
	} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, log.String())
		}
	}

	// A pull request that does not build is named.
	o.Edits[2].Code = "\tif c.Producer.Gone < 0 {\n\t\treturn nil\n\t}\n"
	if s, err = makeStack(o); err != nil {
		t.Fatal(err)
	}
	log.Reset()
	if err := checkStack(o, s, tests, &log); err == nil || !strings.Contains(err.Error(), "pull request 2 (perf(up): release idle things): go build ./...") {
		t.Errorf("err = %v, want pull request 2's build failure", err)
	}
}

func TestBenchStack(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs test binaries of each pull request")
	}
	o := testStackOptions(t)
	// A benchmark of the first pull request that builds on upstream too,
	// measured before and after; the second's own benchmark, after only.
	writeTree(t, o.OverlayDir, map[string]string{
		"config_bench_test.go": "package up\n\nimport \"testing\"\n\nfunc BenchmarkNewConfig(b *testing.B) {\n\tfor i := 0; i < b.N; i++ {\n\t\tNewConfig()\n\t}\n}\n",
		"idle_test.go":         readFile(t, filepath.Join(o.OverlayDir, "idle_test.go")) + "\nfunc BenchmarkReap(b *testing.B) {\n\tfor i := 0; i < b.N; i++ {\n\t\tnewPool().reap()\n\t}\n}\n",
	})
	o.Steps[0].Overlay = append(o.Steps[0].Overlay, "config_bench_test.go")
	o.Steps[0].Bench = prBench{Files: []string{"config_bench_test.go"}, Regexp: "BenchmarkNewConfig"}
	o.Steps[1].Bench = prBench{After: "BenchmarkReap"}
	s, err := makeStack(o)
	if err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	bo := prBenchOptions{Rounds: 2, Benchstat: []string{"cat"}, Work: filepath.Join(t.TempDir(), "work"), Only: []string{"one", "2-idle"}, Commit: "abc123"}
	if err := benchStack(s, bo, o.Results, &log); err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	r, err := readResults(o.Results)
	if err != nil {
		t.Fatal(err)
	}
	one, two := r.Steps["one"], r.Steps["two"]
	if one == nil || two == nil || r.Steps["three"] != nil {
		t.Fatalf("measured %v, want one and two", r.Steps)
	}
	if one.Tree != s.PRs[0].Tree || one.BaseTree != s.PRs[0].BaseTree || one.Commit != "abc123" || one.Machine.Go == "" {
		t.Errorf("first's record %+v", one)
	}
	// benchstat is cat here: the rounds' output, before then after.
	if one.Bench == nil || strings.Count(one.Bench.Output, "BenchmarkNewConfig") != 4 || !strings.Contains(one.Bench.Commands, "git checkout pr/1-add-field -- config_bench_test.go") {
		t.Errorf("first's benchmarks %+v", one.Bench)
	}
	if two.Bench != nil || two.After == nil || !strings.Contains(two.After.Output, "BenchmarkReap") {
		t.Errorf("second's benchmarks %+v %+v", two.Bench, two.After)
	}
	if len(one.Race) != 1 || !strings.HasPrefix(one.Race[0].Output, "0 passed in ") || one.Race[0].Commands != "go test -race -count=2 -run '"+prCheckTests+"' ." {
		t.Errorf("first's race runs %+v", one.Race)
	}
	if r.fresh(&s.PRs[0]) == nil || r.fresh(&s.PRs[2]) != nil {
		t.Error("fresh measurements of the first, none of the third")
	}

	// A benchmark that does not build on its base is named.
	o.Steps[1].Bench = prBench{Files: []string{"idle_test.go"}, Regexp: "BenchmarkReap"}
	if s, err = makeStack(o); err != nil {
		t.Fatal(err)
	}
	bo.Only = []string{"two"}
	if err := benchStack(s, bo, o.Results, &log); err == nil || !strings.Contains(err.Error(), "do not build on the base pr/1-add-field") {
		t.Errorf("err = %v, want the benchmark refused on its base", err)
	}
}
