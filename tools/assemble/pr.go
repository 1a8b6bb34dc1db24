package main

import (
	_ "embed"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"text/template"
)

//go:embed pr-description.md
var prTemplate string

const (
	prRepoName        = "sarama"
	prDescriptionName = "PR.md"
)

// The identity and dates of the pull request's commits are fixed so that the
// same sources always give the same patch, byte for byte, and a diff between
// two patches shows only real changes. The submitter sets their own identity
// (and a Signed-off-by, if upstream asks for one) when sending it.
const (
	prAuthorName  = "sarama-zstd"
	prAuthorEmail = "sarama-zstd@users.noreply.github.com"
	prDate        = "2026-01-01T00:00:00+0000"
)

// prCommitMessage describes the change for upstream's history.
const prCommitMessage = `producer: bound the zstd encoders that producers share

Producers compressing with zstd take encoders from pools shared by the
producers of the process, one per compression level and limits. A pool
lends at most Producer.Zstd.MaxInUseEncoders encoders at a time, so a
compression waits for a free encoder instead of building one more, and
keeps up to Producer.Zstd.MaxIdleEncoders for reuse. Both default to
GOMAXPROCS.

The producer reports zstd-encoders-created, zstd-encoder-wait-time-in-us,
zstd-encoders-in-use and zstd-encoders-idle in its metric registry.

See #2965.
`

// PROptions is what the pull request is made from: the options of the
// assembly whose output it packages, and where to write it.
type PROptions struct {
	Options           // the assembly; Out holds the assembled fork
	Overlay  []string // overlay files laid by the assembly
	Dir      string   // output directory, replaced as a whole
	Bench    string   // benchmark table to quote, if the file exists
	Template string   // description template; empty means pr-description.md
}

// makePR writes the pull request into o.Dir, built beside it and renamed
// into place, and returns the path of the patch.
func makePR(o PROptions) (string, error) {
	tmp, err := tempDirBeside(o.Dir)
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)

	repo := filepath.Join(tmp, prRepoName)
	if err := copyTree(o.Upstream.Dir, repo); err != nil {
		return "", err
	}
	if err := git(repo, "init", "-q", "-b", "main"); err != nil {
		return "", err
	}
	if err := commitAll(repo, fmt.Sprintf("Import %s as published\n\nThe pristine module tree, so that the next commit is the change alone.\n", o.Upstream.ModVersion())); err != nil {
		return "", err
	}
	generated := func(rel string) bool { return rel == forkNoteName || rel == manifestName }
	files, err := listFiles(o.Out, generated)
	if err != nil {
		return "", err
	}
	for _, f := range files {
		if err := copyFile(filepath.Join(o.Out, filepath.FromSlash(f)), filepath.Join(repo, filepath.FromSlash(f))); err != nil {
			return "", err
		}
	}
	if err := commitAll(repo, prCommitMessage); err != nil {
		return "", err
	}
	absTmp, err := filepath.Abs(tmp) // git runs inside repo
	if err != nil {
		return "", err
	}
	if err := git(repo, "format-patch", "-q", "-1", "--zero-commit", "--no-signature", "-o", absTmp); err != nil {
		return "", err
	}
	patches, err := filepath.Glob(filepath.Join(tmp, "0001-*.patch"))
	if err != nil || len(patches) != 1 {
		return "", fmt.Errorf("git format-patch wrote %d patches, want 1", len(patches))
	}
	if err := writePRDescription(filepath.Join(tmp, prDescriptionName), o, filepath.Base(patches[0])); err != nil {
		return "", err
	}
	if err := replaceDir(tmp, o.Dir); err != nil {
		return "", err
	}
	return filepath.Join(o.Dir, filepath.Base(patches[0])), nil
}

// commitAll commits every file of the work tree, ignored ones included: the
// upstream tree is taken as published, whatever its .gitignore says.
func commitAll(repo, message string) error {
	if err := git(repo, "add", "-f", "--", "."); err != nil {
		return err
	}
	return git(repo, "commit", "-q", "--no-verify", "-m", message)
}

// git runs git in dir isolated from the user's and the system's settings
// (signing, hooks, line-ending conversion), with the fixed identity, so the
// result depends on the sources alone.
func git(dir string, args ...string) error {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME="+prAuthorName,
		"GIT_AUTHOR_EMAIL="+prAuthorEmail,
		"GIT_AUTHOR_DATE="+prDate,
		"GIT_COMMITTER_NAME="+prAuthorName,
		"GIT_COMMITTER_EMAIL="+prAuthorEmail,
		"GIT_COMMITTER_DATE="+prDate,
	)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("git %s in %s: %v: %s", strings.Join(args, " "), dir, err, oneLine(string(out)))
	}
	return nil
}

// writePRDescription renders the description template. The benchmark
// section quotes o.Bench when it exists and otherwise says how to make it.
func writePRDescription(path string, o PROptions, patch string) error {
	text := o.Template
	if text == "" {
		text = prTemplate
	}
	tmpl, err := template.New(prDescriptionName).Parse(text)
	if err != nil {
		return fmt.Errorf("pull request template: %v", err)
	}
	bench := ""
	if data, err := os.ReadFile(o.Bench); err == nil {
		bench = strings.TrimRight(string(data), "\n")
	} else if !os.IsNotExist(err) {
		return err
	}
	reps := make(map[string]string, len(o.Replacements))
	for _, r := range o.Replacements {
		reps[r.File] = r.Why
	}
	var b strings.Builder
	err = tmpl.Execute(&b, struct {
		Module, Version, Patch string
		Overlay                []string
		Replacements           map[string]string
		Edits                  []Edit
		Bench                  string
	}{o.Upstream.Module, o.Upstream.Version, patch, o.Overlay, reps, o.Edits, bench})
	if err != nil {
		return fmt.Errorf("pull request template: %v", err)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
