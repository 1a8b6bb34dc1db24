package main

import (
	_ "embed"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

const (
	prRepoName        = "sarama"
	prDescriptionName = "PR.md"
	// prFallbackDate dates the commits when this repository's HEAD cannot
	// be read (a source tree outside git, the tests' trees).
	prFallbackDate = "2026-01-01T00:00:00+00:00"
)

// PROptions is what the pull request is made from: the options of the
// assembly (upstream, overlay, edits), the series, and where to write it.
type PROptions struct {
	Options          // the assembly: Upstream, OverlayDir, Edits, Replacements
	Steps   []prStep // the commits, in order
	PRDir   string   // files of the pull request alone, by step: <PRDir>/<step ID>/
	Dir     string   // output directory, replaced as a whole
	// Author is "Name <email>": the author, committer and Signed-off-by of
	// every commit. Sarama's CONTRIBUTING requires the sign-off to match
	// the author.
	Author string
	Date   string // the commits' date, ISO 8601; empty for prFallbackDate
	// Description renders PR.md, which needs the measurements in Results.
	Description bool
	Results     string // the measurements of make pr-bench (results.json)
	Template    string // description template; empty means pr-description.md
}

// identityForm is "Name <email>", the form git and the DCO use.
var identityForm = regexp.MustCompile(`^([^<>\n]*[^<>\s])\s+<([^<>\s@]+@[^<>\s@]+)>$`)

// checkIdentity splits an identity into name and email, or says how to give one.
func checkIdentity(author string) (name, email string, err error) {
	m := identityForm.FindStringSubmatch(strings.TrimSpace(author))
	if m == nil {
		if author == "" {
			return "", "", fmt.Errorf("no author for the pull request's commits: run make pr AUTHOR=\"Your Name <you@example.com>\", or set git config user.name and user.email; upstream requires a Signed-off-by that matches the commit author (DCO)")
		}
		return "", "", fmt.Errorf("author %q is not of the form \"Your Name <you@example.com>\" (make pr AUTHOR=...); upstream requires a Signed-off-by that matches the commit author (DCO)", author)
	}
	return m[1], m[2], nil
}

// gitIdentity is the identity git is configured with in dir, or "".
func gitIdentity(dir string) string {
	get := func(key string) string {
		cmd := exec.Command("git", "config", "--get", key)
		cmd.Dir = dir
		out, err := cmd.Output()
		if err != nil {
			return ""
		}
		return strings.TrimSpace(string(out))
	}
	name, email := get("user.name"), get("user.email")
	if name == "" || email == "" {
		return ""
	}
	return name + " <" + email + ">"
}

// repoDate is the committer date of this repository's HEAD: the same sources
// give the same patches, byte for byte.
func repoDate() string {
	out, err := exec.Command("git", "log", "-1", "--format=%cI", "HEAD").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// prSeries is what makePR wrote.
type prSeries struct {
	Patches []string // paths, in order
	Repo    string   // the git repository: the upstream commit, then the series
	Tree    string   // git tree hash of the last commit: names the series' content
}

// makePR writes the pull request into o.Dir, built beside it and renamed
// into place: sarama/, a git repository whose first commit is the pristine
// upstream tree and whose next ones are the series; the series as
// git format-patch files; and, with o.Description, PR.md.
func makePR(o PROptions) (prSeries, error) {
	name, email, err := checkIdentity(o.Author)
	if err != nil {
		return prSeries{}, err
	}
	if err := checkSeries(o.Steps, o.Edits); err != nil {
		return prSeries{}, err
	}
	var results *prResults
	if o.Description {
		if results, err = readResults(o.Results); err != nil {
			return prSeries{}, err
		}
	}
	tmp, err := tempDirBeside(o.Dir)
	if err != nil {
		return prSeries{}, err
	}
	defer os.RemoveAll(tmp)

	id := gitID{name: name, email: email, date: o.Date}
	if id.date == "" {
		id.date = prFallbackDate
	}
	repo := filepath.Join(tmp, prRepoName)
	if err := os.MkdirAll(repo, 0o755); err != nil {
		return prSeries{}, err
	}
	if err := id.git(repo, "init", "-q", "-b", "main"); err != nil {
		return prSeries{}, err
	}
	if err := fillTree(repo, o.Upstream.Dir); err != nil {
		return prSeries{}, err
	}
	if err := id.commitAll(repo, fmt.Sprintf("Import %s as published\n", o.Upstream.ModVersion())); err != nil {
		return prSeries{}, err
	}
	base, err := id.output(repo, "rev-parse", "HEAD")
	if err != nil {
		return prSeries{}, err
	}
	author := name + " <" + email + ">"
	steps := offered(o.Steps)
	for k, s := range steps {
		if err := fillTree(repo, o.Upstream.Dir); err != nil {
			return prSeries{}, err
		}
		if err := layStepFiles(o, steps[:k+1], repo, k == len(steps)-1); err != nil {
			return prSeries{}, fmt.Errorf("step %s: %w", s.ID, err)
		}
		if err := id.commitAll(repo, s.commitMessage(author)); err != nil {
			return prSeries{}, fmt.Errorf("step %s: %w", s.ID, err)
		}
	}
	absTmp, err := filepath.Abs(tmp) // git runs inside repo
	if err != nil {
		return prSeries{}, err
	}
	if err := id.git(repo, "format-patch", "-q", "--zero-commit", "--no-signature", "-o", absTmp, base+"..HEAD"); err != nil {
		return prSeries{}, err
	}
	patches, err := filepath.Glob(filepath.Join(tmp, "*.patch"))
	if err != nil || len(patches) != len(steps) {
		return prSeries{}, fmt.Errorf("git format-patch wrote %d patches, want %d", len(patches), len(steps))
	}
	sort.Strings(patches)
	tree, err := id.output(repo, "rev-parse", "HEAD^{tree}")
	if err != nil {
		return prSeries{}, err
	}
	if o.Description {
		if err := writePRDescription(filepath.Join(tmp, prDescriptionName), o, steps, results, tree); err != nil {
			return prSeries{}, err
		}
	}
	if err := replaceDir(tmp, o.Dir); err != nil {
		return prSeries{}, err
	}
	s := prSeries{Repo: filepath.Join(o.Dir, prRepoName), Tree: tree}
	for _, p := range patches {
		s.Patches = append(s.Patches, filepath.Join(o.Dir, filepath.Base(p)))
	}
	return s, nil
}

// offered are the steps that are commits of the series.
func offered(steps []prStep) []prStep {
	var out []prStep
	for _, s := range steps {
		if !s.Slot {
			out = append(out, s)
		}
	}
	return out
}

// fillTree makes the work tree of repo a pristine copy of upstream.
func fillTree(repo, upstream string) error {
	entries, err := os.ReadDir(repo)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Name() != ".git" {
			if err := os.RemoveAll(filepath.Join(repo, e.Name())); err != nil {
				return err
			}
		}
	}
	return copyTree(upstream, repo)
}

// layStepFiles lays over the upstream tree dir the files of steps, in
// order, and applies their edits. In the last step of the series no file
// of the pull request's own may be left where the fork has one of its own:
// each such earlier form must have been completed by then.
func layStepFiles(o PROptions, steps []prStep, dir string, last bool) error {
	upstreamFiles := func(rel string) bool {
		_, err := os.Stat(filepath.Join(o.Upstream.Dir, filepath.FromSlash(rel)))
		return err == nil
	}
	replaced := make(map[string]bool, len(o.Replacements))
	for _, r := range o.Replacements {
		replaced[r.File] = true
	}
	from := make(map[string]string) // laid file -> its source
	ids := make(map[string]bool, len(steps))
	for _, s := range steps {
		ids[s.ID] = true
		for _, f := range s.Overlay {
			if upstreamFiles(f) && !replaced[f] {
				return fmt.Errorf("overlay file %s would overwrite upstream's", f)
			}
			from[f] = filepath.Join(o.OverlayDir, filepath.FromSlash(f))
		}
		own := filepath.Join(o.PRDir, s.ID)
		files, err := listFiles(own, nil)
		if err != nil && !os.IsNotExist(err) {
			return err
		}
		for _, f := range files {
			if upstreamFiles(f) {
				return fmt.Errorf("%s/%s would overwrite upstream's %s", own, f, f)
			}
			from[f] = filepath.Join(own, filepath.FromSlash(f))
		}
	}
	laid := make([]string, 0, len(from))
	for f, src := range from {
		if err := copyFile(src, filepath.Join(dir, filepath.FromSlash(f))); err != nil {
			return err
		}
		laid = append(laid, f)
		if last && !strings.HasSuffix(f, "_test.go") && strings.HasPrefix(src, filepath.Clean(o.PRDir)+string(filepath.Separator)) {
			if _, err := os.Stat(filepath.Join(o.OverlayDir, filepath.FromSlash(f))); err == nil {
				return fmt.Errorf("%s is still in the series' last commit: a step must bring the overlay's %s in its place", src, f)
			}
		}
	}
	sort.Strings(laid)
	var es []Edit
	for _, e := range o.Edits {
		if ids[e.Step] {
			es = append(es, e)
		}
	}
	_, err := applyAllEdits(dir, es, laid, o.Upstream.ModVersion())
	return err
}

// checkPRDir refuses a directory of _pr/ that names no step: its files
// would silently be left out of the series.
func checkPRDir(dir string, steps []prStep) error {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	ids := make(map[string]bool, len(steps))
	for _, s := range steps {
		ids[s.ID] = !s.Slot
	}
	for _, e := range entries {
		if offered, known := ids[e.Name()]; !e.IsDir() || !known || !offered {
			return fmt.Errorf("%s/%s names no step of the series (tools/assemble/series.go)", dir, e.Name())
		}
	}
	return nil
}

// gitID runs git with one identity for author and committer, isolated from
// the user's and the system's settings (signing, hooks, line-ending
// conversion), so that the result depends on the sources alone.
type gitID struct {
	name, email, date string
}

func (id gitID) cmd(dir string, args ...string) *exec.Cmd {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME="+id.name,
		"GIT_AUTHOR_EMAIL="+id.email,
		"GIT_AUTHOR_DATE="+id.date,
		"GIT_COMMITTER_NAME="+id.name,
		"GIT_COMMITTER_EMAIL="+id.email,
		"GIT_COMMITTER_DATE="+id.date,
	)
	return cmd
}

func (id gitID) git(dir string, args ...string) error {
	_, err := id.output(dir, args...)
	return err
}

func (id gitID) output(dir string, args ...string) (string, error) {
	cmd := id.cmd(dir, args...)
	out, err := cmd.Output()
	if err != nil {
		msg := string(out)
		if ee, ok := err.(*exec.ExitError); ok {
			msg += string(ee.Stderr)
		}
		return "", fmt.Errorf("git %s in %s: %v: %s", strings.Join(args, " "), dir, err, oneLine(msg))
	}
	return strings.TrimSpace(string(out)), nil
}

// commitAll commits every file of the work tree, ignored ones included: the
// upstream tree is taken as published, whatever its .gitignore says.
func (id gitID) commitAll(repo, message string) error {
	if err := id.git(repo, "add", "-A", "-f", "--", "."); err != nil {
		return err
	}
	return id.git(repo, "commit", "-q", "--no-verify", "-m", message)
}
