package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const testAuthor = "Random J Developer <random@developer.example.org>"

// testSteps is a series over testOptions' trees: a required commit with the
// overlay's added.go, its first form from _pr/, and two edits; an optional
// one with a test file of its own and the third edit; a slot.
func testSteps() []prStep {
	return []prStep{
		{ID: "one", Subject: "feat(up): add the field", Body: "The field and its default.", Overlay: []string{"replaced.go"}, Why: "the change"},
		{ID: "two", Subject: "perf(up): check the field", Overlay: []string{"added.go"}, Optional: true, Why: "a check"},
		{ID: "later", Subject: "fix(up): a fix to come", Slot: true, Why: "not yet"},
	}
}

func testPROptions(t *testing.T) PROptions {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	o := testOptions(t)
	es := testEdits()
	es[0].Step, es[1].Step, es[2].Step = "one", "one", "two"
	o.Edits = es
	root := filepath.Dir(o.OverlayDir)
	prDir := filepath.Join(root, "pr-files")
	writeTree(t, prDir, map[string]string{
		"one/added.go":      "package up\n\n// Added is the pull request's first form.\nfunc Added() {}\n",
		"one/added_test.go": "package up\n",
		"two/two_test.go":   "package up\n",
	})
	return PROptions{Options: o, Steps: testSteps(), PRDir: prDir, Dir: filepath.Join(root, "build", "pr"), Author: testAuthor, Date: "2026-02-03T04:05:06+00:00"}
}

func gitOut(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := gitID{name: "t", email: "t@example.com", date: prFallbackDate}.output(dir, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestPRSeriesAppliesToPristineUpstream(t *testing.T) {
	o := testPROptions(t)
	s, err := makePR(o)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Patches) != 2 || !strings.HasPrefix(filepath.Base(s.Patches[0]), "0001-feat-up-add-the-field") || !strings.HasPrefix(filepath.Base(s.Patches[1]), "0002-perf-up-check") {
		t.Fatalf("patches %q, want the two offered steps in order", s.Patches)
	}
	first := readFile(t, s.Patches[0])
	for _, want := range []string{
		"From: Random J Developer <random@developer.example.org>",
		"Subject: [PATCH 1/2] feat(up): add the field",
		"\nSigned-off-by: " + testAuthor + "\n",
		"Date: Tue, 3 Feb 2026 04:05:06 +0000",
		"+\tc.Producer.Added = 3", "pull request's first form", "added_test.go", "replaced.go",
	} {
		if !strings.Contains(first, want) {
			t.Errorf("first patch lacks %q:\n%s", want, first)
		}
	}
	second := readFile(t, s.Patches[1])
	for _, want := range []string{"Subject: [PATCH 2/2] perf(up): check the field", "-// Added is the pull request's first form.", "+// Added is the overlay's.", "if c.Producer.Added < 0", "two_test.go"} {
		if !strings.Contains(second, want) {
			t.Errorf("second patch lacks %q:\n%s", want, second)
		}
	}

	// git am onto a pristine copy, as a maintainer would.
	dir := t.TempDir()
	if err := copyTree(o.Upstream.Dir, dir); err != nil {
		t.Fatal(err)
	}
	gitOut(t, dir, "init", "-q")
	gitOut(t, dir, "add", "-A")
	gitOut(t, dir, "commit", "-q", "-m", "upstream")
	gitOut(t, dir, append([]string{"am", "-q"}, s.Patches...)...)
	log := gitOut(t, dir, "log", "--format=%an <%ae>|%s|%(trailers:key=Signed-off-by,valueonly,separator=;)", "-2")
	want := testAuthor + "|perf(up): check the field|" + testAuthor + "\n" + testAuthor + "|feat(up): add the field|" + testAuthor
	if log != want {
		t.Errorf("applied commits:\n%s\nwant:\n%s", log, want)
	}
	if got, want := gitOut(t, dir, "rev-parse", "HEAD^{tree}"), s.Tree; got != want {
		t.Errorf("applied tree %s, series tree %s", got, want)
	}
	if _, err := os.Stat(filepath.Join(o.Dir, prDescriptionName)); !os.IsNotExist(err) {
		t.Errorf("PR.md written without -description (err %v)", err)
	}
}

func TestPRRefusesWithoutIdentity(t *testing.T) {
	o := testPROptions(t)
	for _, author := range []string{"", "Random J Developer", "<random@example.org>", "Random <random>", "Random <a@b> x"} {
		o.Author = author
		_, err := makePR(o)
		if err == nil || !strings.Contains(err.Error(), "make pr AUTHOR=") || !strings.Contains(err.Error(), "Signed-off-by") {
			t.Errorf("author %q: err = %v, want a refusal that says how to give one", author, err)
		}
		if _, err := os.Stat(o.Dir); !os.IsNotExist(err) {
			t.Fatalf("author %q: %s written", author, o.Dir)
		}
	}
}

func TestPRIsReproducible(t *testing.T) {
	o := testPROptions(t)
	s, err := makePR(o)
	if err != nil {
		t.Fatal(err)
	}
	first := readFile(t, s.Patches[1])
	again, err := makePR(o)
	if err != nil {
		t.Fatal(err)
	}
	if readFile(t, again.Patches[1]) != first || again.Tree != s.Tree {
		t.Error("a second run wrote a different series")
	}
	if l := leftovers(t, o.Dir); len(l) != 0 {
		t.Errorf("left beside the pull request: %v", l)
	}
}

func TestPRFirstFormMustBeReplaced(t *testing.T) {
	o := testPROptions(t)
	o.Steps[1].Overlay = nil // added.go stays in its _pr/ form
	o.Steps[0].Overlay = append(o.Steps[0].Overlay, "added.go")
	if _, err := makePR(o); err == nil || !strings.Contains(err.Error(), "is still in the series' last commit") {
		t.Errorf("err = %v, want the overlay file brought before its first form refused", err)
	}
	o = testPROptions(t)
	o.Steps[1].Overlay = nil
	if _, err := makePR(o); err == nil || !strings.Contains(err.Error(), "is still in the series' last commit") {
		t.Errorf("err = %v, want a first form never replaced refused", err)
	}
}

func TestRefill(t *testing.T) {
	got := refill("  one two\nthree "+strings.Repeat("x", 10)+"\n\nsecond   paragraph\n", 13)
	want := "one two three\nxxxxxxxxxx\n\nsecond\nparagraph\n"
	if got != want {
		t.Errorf("refill = %q, want %q", got, want)
	}
}

func TestCheckSeries(t *testing.T) {
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
		{"required after optional", func(s []prStep) []prStep { s[0].Optional, s[1].Optional = true, false; return s }, nil, "follows an optional one"},
		{"duplicate step", func(s []prStep) []prStep { s[1].ID = "one"; return s }, nil, "named twice"},
		{"file brought twice", func(s []prStep) []prStep { s[1].Overlay = []string{"replaced.go"}; return s }, nil, "brought by steps one and two"},
		{"edit of no step", func(s []prStep) []prStep { return s }, edit("gone"), `names step "gone"`},
		{"edit without step", func(s []prStep) []prStep { return s }, edit(""), `names step ""`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkSeries(tc.steps(testSteps()), tc.edits)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
	if err := checkSeries(testSteps(), edit("later")); err != nil {
		t.Error(err)
	}
}

func TestPRDescriptionQuotesMeasurementsOfThisSeries(t *testing.T) {
	o := testPROptions(t)
	o.Description = true
	o.Results = filepath.Join(t.TempDir(), "results.json")
	o.Template = "{{range .Steps}}{{.N}}. {{.Subject}}{{if .Optional}} (optional){{end}}\n{{end}}" +
		"{{.R.Machine.CPU}}\n{{.R.Bench.Commands}}\n{{indent .R.Bench.Output}}\n"
	if _, err := makePR(o); err == nil || !strings.Contains(err.Error(), "make pr-bench") {
		t.Fatalf("err = %v, want missing measurements refused", err)
	}
	r := &prResults{Tree: "0000", Machine: prMachine{CPU: "Test CPU"}, Bench: prRun{Commands: "go test -bench X", Output: "name  old  new\nX  1  2"},
		First: prRun{Output: "BenchmarkY 1"}, Race: []prRun{{Output: "ok x 1s"}}}
	if err := writeResults(o.Results, r); err != nil {
		t.Fatal(err)
	}
	if _, err := makePR(o); err == nil || !strings.Contains(err.Error(), "made on another series") {
		t.Fatalf("err = %v, want measurements of another series refused", err)
	}
	o.Description = false
	s, err := makePR(o)
	if err != nil {
		t.Fatal(err)
	}
	r.Tree = s.Tree
	if err := writeResults(o.Results, r); err != nil {
		t.Fatal(err)
	}
	o.Description = true
	if _, err := makePR(o); err != nil {
		t.Fatal(err)
	}
	want := "1. feat(up): add the field\n2. perf(up): check the field (optional)\nTest CPU\ngo test -bench X\n    name  old  new\n    X  1  2\n"
	if got := readFile(t, filepath.Join(o.Dir, prDescriptionName)); got != want {
		t.Errorf("PR.md:\n%s\nwant:\n%s", got, want)
	}
}

// TestRealSeries checks series.go against edits.go, _overlay/ and _pr/.
func TestRealSeries(t *testing.T) {
	if err := checkSeries(prSteps, edits); err != nil {
		t.Fatal(err)
	}
	if err := checkPRDir(filepath.Join("..", "..", "_pr"), prSteps); err != nil {
		t.Error(err)
	}
	brought := make(map[string]bool)
	for _, s := range prSteps {
		for _, f := range s.Overlay {
			brought[f] = true
		}
	}
	overlay := filepath.Join("..", "..", "_overlay")
	files, err := listFiles(overlay, nil)
	if err != nil {
		t.Fatal(err)
	}
	have := make(map[string]bool)
	for _, f := range files {
		have[f] = true
		if strings.HasSuffix(f, ".go") && !strings.HasSuffix(f, "_test.go") && !brought[f] {
			t.Errorf("%s/%s is in no step of the series (tools/assemble/series.go)", overlay, f)
		}
	}
	for f := range brought {
		if !have[f] {
			t.Errorf("series.go brings %s, which %s lacks", f, overlay)
		}
	}
	// The required commits come first, in the order a maintainer takes
	// them: the benchmark, then the change (one commit until the series is
	// derived from the overlay, see series.go).
	var subjects []string
	for _, s := range offered(prSteps) {
		if !s.Optional {
			subjects = append(subjects, s.ID)
		}
	}
	if got := strings.Join(subjects, ","); got != "bench,pool" {
		t.Errorf("required commits %s", got)
	}
}

func TestCheckPR(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command on each commit")
	}
	o := testPROptions(t)
	s, err := makePR(o)
	if err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	if err := checkPR(o, s, &log); err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	for _, want := range []string{"the series applies to example.com/up@v1.2.3: 2 commits", "1/2 feat(up): add the field: build, vet ok; tests ", "2/2 perf(up): check the field: build, vet ok; tests "} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, log.String())
		}
	}

	// A commit that does not build is named.
	o.Edits[2].Code = "\tif c.Producer.Gone < 0 {\n\t\treturn nil\n\t}\n"
	if s, err = makePR(o); err != nil {
		t.Fatal(err)
	}
	log.Reset()
	if err := checkPR(o, s, &log); err == nil || !strings.Contains(err.Error(), "commit 2 (perf(up): check the field): go build ./...") {
		t.Errorf("err = %v, want commit 2's build failure", err)
	}
}

func TestRaceSummaries(t *testing.T) {
	out := `{"Action":"run","Package":"p","Test":"TestA"}
{"Action":"pass","Package":"p","Test":"TestA","Elapsed":1.5}
{"Action":"pass","Package":"p","Test":"TestB/sub","Elapsed":9}
{"Action":"pass","Package":"p","Test":"TestB","Elapsed":2}
{"Action":"pass","Package":"p","Elapsed":12.34}
`
	if got, want := jsonSummary(out), "pass p 12.3s; slowest: TestB 2.0s"; got != want {
		t.Errorf("jsonSummary = %q, want %q", got, want)
	}
	if got, want := okLine("=== RUN x\nok  \tgithub.com/IBM/sarama\t14.105s\n"), "ok github.com/IBM/sarama 14.105s"; got != want {
		t.Errorf("okLine = %q, want %q", got, want)
	}
}
