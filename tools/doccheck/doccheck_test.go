package doccheck

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The repository's documents: every relative link and image resolves to
// a file of the repository (and a heading, with a fragment), every make
// target they show exists, every section pointer names a heading.
func TestRepositoryDocuments(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "Makefile")); err != nil {
		t.Fatalf("repository root not found: %v", err)
	}
	problems, err := Check(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}

// A repository with one of each mistake: each is reported, at its line,
// and the true statements beside them are not.
func TestCheckFindsEveryKindOfMistake(t *testing.T) {
	root := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("Makefile", "GO := go\nall: test\n\ntest lint:\n\t$(GO) test ./...\nfork:\n\ttrue\n# see \"Tests\" in README.md\n")
	write("README.md", strings.Join([]string{
		"# Project", // 1
		"",          // 2
		"See [usage](docs/usage.md#running-it) and [the guide](docs/guide.md).",          // 3: guide.md missing
		"![chart](docs/chart.png) ![gone](docs/gone.png)",                                // 4: gone.png missing
		"Run `make`, `make test`, `make lint FOO=1`, `make pr AUTHOR=\"A Name <a@b>\"`.", // 5: pr missing
		"A [bad anchor](docs/usage.md#nowhere) and a [good one](#section-two).",          // 6
		"",                            // 7
		"    make fork && make bench", // 8: bench missing
		"",                            // 9
		"## Section two",              // 10
		"",                            // 11
		"Read docs/usage.md, \"Running it\", and \"Nothing\" in docs/usage.md.",   // 12: Nothing missing
		"`[not a link](nowhere.md)` [web](https://example.com/x.md) [dir](docs/)", // 13
		"```",                     // 14
		"make fuzz",               // 15: in a fence, still a command
		"[x](also-not-a-link.md)", // 16
		"```",                     // 17
	}, "\n"))
	write("docs/usage.md", "# Usage\n\n## Running it\n\nBack to the [README](../README.md#project), [out](../../x.md).\n")
	write("docs/chart.png", "png")

	problems, err := Check(root)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range problems {
		got = append(got, p.String())
	}
	want := []string{
		"Makefile:8: \"Tests\" in README.md: no such heading there",
		"README.md:3: link docs/guide.md: docs/guide.md is not in the repository",
		"README.md:4: link docs/gone.png: docs/gone.png is not in the repository",
		"README.md:5: make pr: no such target in the Makefile",
		"README.md:6: link docs/usage.md#nowhere: docs/usage.md has no heading #nowhere",
		"README.md:8: make bench: no such target in the Makefile",
		"README.md:12: \"Nothing\" in docs/usage.md: no such heading there",
		"README.md:15: make fuzz: no such target in the Makefile",
		"docs/usage.md:5: link ../../x.md leaves the repository",
	}
	slices.Sort(got)
	slices.Sort(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestSlug(t *testing.T) {
	for title, want := range map[string]string{
		"Moving to a new upstream release": "moving-to-a-new-upstream-release",
		"`make test`: what runs":           "make-test-what-runs",
		"v1.62.0-zstd.1 (unreleased)":      "v1620-zstd1-unreleased",
		"The [pool](pool.md) in detail":    "the-pool-in-detail",
	} {
		if got := slug(headingText(title)); got != want {
			t.Errorf("slug(%q) = %q, want %q", title, got, want)
		}
	}
}

func TestCommandTargets(t *testing.T) {
	for code, want := range map[string]string{
		"make":                                        "",
		"make test":                                   "test",
		"make dist MODULE=x VERSION=v1":               "dist",
		`make pr AUTHOR="Your Name <y@x>"`:            "pr",
		"make bench BENCH='a/(b|c)$' -j2":             "bench",
		"cd x && make fork; make lint # make nothing": "fork lint",
		"go test ./...":                               "",
		"remake all":                                  "",
	} {
		if got := strings.Join(commandTargets(code), " "); got != want {
			t.Errorf("commandTargets(%q) = %q, want %q", code, got, want)
		}
	}
}
