package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func testPR(t *testing.T) (PROptions, string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	o := testOptions(t)
	overlay, err := assemble(o)
	if err != nil {
		t.Fatal(err)
	}
	p := PROptions{Options: o, Overlay: overlay, Dir: filepath.Join(filepath.Dir(o.Out), "pr"), Bench: filepath.Join(t.TempDir(), "table.md")}
	patch, err := makePR(p)
	if err != nil {
		t.Fatal(err)
	}
	return p, patch
}

func TestPRPatchAppliesToPristineUpstream(t *testing.T) {
	p, patch := testPR(t)
	text := readFile(t, patch)
	for _, want := range []string{"Subject: [PATCH] producer: bound the zstd encoders", "config.go", "added.go", "replaced.go", "+\tc.Producer.Added = 3"} {
		if !strings.Contains(text, want) {
			t.Errorf("patch lacks %q", want)
		}
	}
	for _, unwanted := range []string{forkNoteName, manifestName} {
		if strings.Contains(text, unwanted) {
			t.Errorf("patch contains %s", unwanted)
		}
	}
	pristine := t.TempDir()
	if err := copyTree(p.Upstream.Dir, pristine); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("git", "apply", "--check", patch)
	cmd.Dir = pristine
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("git apply --check: %v\n%s", err, out)
	}
	log := exec.Command("git", "log", "--format=%an %ae %ad", "--date=iso")
	log.Dir = filepath.Join(p.Dir, prRepoName)
	out, err := log.Output()
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(string(out)), "\n"); len(lines) != 2 || lines[0] != lines[1] || !strings.Contains(lines[0], prAuthorName) {
		t.Errorf("commits: %q, want two with the fixed identity and date", lines)
	}
}

func TestPRIsReproducible(t *testing.T) {
	p, patch := testPR(t)
	first := readFile(t, patch)
	again, err := makePR(p)
	if err != nil {
		t.Fatal(err)
	}
	if readFile(t, again) != first {
		t.Error("a second run wrote a different patch")
	}
	if l := leftovers(t, p.Dir); len(l) != 1 { // the assembled output only
		t.Errorf("left beside the pull request: %v", l)
	}
}

func TestPRDescription(t *testing.T) {
	p, patch := testPR(t)
	desc := readFile(t, filepath.Join(p.Dir, prDescriptionName))
	for _, want := range []string{"774.06 MB/s", "74.53 MB/s", "#2965", "MaxInUseEncoders", "MaxIdleEncoders",
		"zstd-encoders-created", "zstd-encoder-wait-time-in-us", "zstd-encoders-in-use", "zstd-encoders-idle",
		"run `make bench` first", filepath.Base(patch), "`added.go`: new", "`replaced.go`: rewritten (test replacement)", "`config.go`: field"} {
		if !strings.Contains(desc, want) {
			t.Errorf("PR.md lacks %q:\n%s", want, desc)
		}
	}
	if err := os.WriteFile(p.Bench, []byte("| pool | MB/s |\n|---|---:|\n| fork | 242.2 |\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := makePR(p); err != nil {
		t.Fatal(err)
	}
	desc = readFile(t, filepath.Join(p.Dir, prDescriptionName))
	if !strings.Contains(desc, "\n| pool | MB/s |\n|---|---:|\n| fork | 242.2 |\n") || strings.Contains(desc, "make bench") {
		t.Errorf("benchmark table not quoted:\n%s", desc)
	}
}
