package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

const (
	prRepoName        = "sarama"
	prDescriptionName = "PR.md"
	prIndexName       = "README.md"
	prDiscussionName  = "DISCUSSION.md"
	// prFallbackDate dates the commits when this repository's HEAD cannot
	// be read (a source tree outside git, the tests' trees).
	prFallbackDate = "2026-01-01T00:00:00+00:00"
	// prMaxLines is the most lines (additions + deletions, tests included)
	// a pull request may change: Sarama labels larger ones size/XL.
	prMaxLines = 599
)

// PROptions is what the stack is made from: the options of the assembly
// (upstream, overlay, edits), the steps, and where to write it.
type PROptions struct {
	Options          // the assembly: Upstream, OverlayDir, Edits, Replacements
	Steps   []prStep // series.go
	Dir     string   // output directory, replaced as a whole
	// Author is "Name <email>": the author, committer and Signed-off-by of
	// every commit. Sarama's CONTRIBUTING requires the sign-off to match
	// the author.
	Author string
	Date   string // the commits' date, ISO 8601; empty for prFallbackDate
	// Description writes each PR.md, the stack's index and DISCUSSION.md,
	// which quote the measurements in Results.
	Description bool
	Results     string // the measurements of make pr-bench (JSON, kept in the repository)
	Texts       fs.FS  // the texts' templates; nil for prtext/
}

// identityForm is "Name <email>", the form git and the DCO use.
var identityForm = regexp.MustCompile(`^([^<>\n]*[^<>\s])\s+<([^<>\s@]+@[^<>\s@]+)>$`)

// checkIdentity splits an identity into name and email, or says how to give one.
func checkIdentity(author string) (name, email string, err error) {
	m := identityForm.FindStringSubmatch(strings.TrimSpace(author))
	if m == nil {
		if author == "" {
			return "", "", fmt.Errorf("no author for the pull requests' commits: run make pr AUTHOR=\"Your Name <you@example.com>\", or set git config user.name and user.email; upstream requires a Signed-off-by that matches the commit author (DCO)")
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

// prSize is what Sarama's pr-size workflow counts: the lines a pull request
// adds and deletes, tests included.
type prSize struct{ Add, Del int }

func (s prSize) Total() int { return s.Add + s.Del }

// Label is the size label Sarama's CI gives a pull request of this size
// (.github/workflows/pr-size.yml).
func (s prSize) Label() string {
	for _, l := range []struct {
		name string
		max  int
	}{{"XS", 9}, {"S", 59}, {"M", 299}, {"L", 599}, {"XL", 999}} {
		if s.Total() <= l.max {
			return l.name
		}
	}
	return "XXL"
}

// prBuilt is one pull request of the written stack.
type prBuilt struct {
	Step       prStep
	N          int
	Dir        string   // build/pr/<n>-<slug>
	Patches    []string // in Dir
	Branch     string   // in the stack's repository
	BaseBranch string
	BaseID     string // the step it is made on, or prBaseUpstream
	Tree       string // git trees: what the measurements are of
	BaseTree   string
	Size       prSize
	API        []string // exported identifiers it adds
}

// prStackOut is what makeStack wrote.
type prStackOut struct {
	Repo string // the git repository: a branch per pull request, "upstream" for upstream as published
	PRs  []prBuilt
}

// byID returns the pull request of a step.
func (s *prStackOut) byID(id string) *prBuilt {
	for i := range s.PRs {
		if s.PRs[i].Step.ID == id {
			return &s.PRs[i]
		}
	}
	return nil
}

// makeStack writes the stack into o.Dir, built beside it and renamed into
// place: sarama/, a git repository whose branch "upstream" is the pristine
// upstream tree and whose branch pr/<n>-<slug> is each pull request, one
// commit on its base's branch; build/pr/<n>-<slug>/ with that commit as a
// git format-patch file; and, with o.Description, each PR.md, the stack's
// README.md and DISCUSSION.md. A pull request over prMaxLines, adding API
// its step does not declare, or adding a build-constrained file is written
// too, so that it can be looked at, and then refused.
func makeStack(o PROptions) (*prStackOut, error) {
	name, email, err := checkIdentity(o.Author)
	if err != nil {
		return nil, err
	}
	st, err := newStack(o.Steps, o.Edits)
	if err != nil {
		return nil, err
	}
	if err := st.checkOverlay(o.OverlayDir); err != nil {
		return nil, err
	}
	var results *prResults
	if o.Description {
		if results, err = readResults(o.Results); err != nil {
			return nil, err
		}
	}
	tmp, err := tempDirBeside(o.Dir)
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)

	id := gitID{name: name, email: email, date: o.Date}
	if id.date == "" {
		id.date = prFallbackDate
	}
	repo := filepath.Join(tmp, prRepoName)
	if err := os.MkdirAll(repo, 0o755); err != nil {
		return nil, err
	}
	if err := id.git(repo, "init", "-q", "-b", prBaseUpstream); err != nil {
		return nil, err
	}
	if err := fillTree(repo, o.Upstream.Dir); err != nil {
		return nil, err
	}
	if err := id.commitAll(repo, fmt.Sprintf("Import %s as published\n", o.Upstream.ModVersion())); err != nil {
		return nil, err
	}
	upAPI, err := apiOf(o.Upstream.Dir)
	if err != nil {
		return nil, err
	}
	upTree, err := id.output(repo, "rev-parse", "HEAD^{tree}")
	if err != nil {
		return nil, err
	}
	apis := map[string]map[string]bool{prBaseUpstream: upAPI}
	trees := map[string]string{prBaseUpstream: upTree}
	branches := map[string]string{prBaseUpstream: prBaseUpstream}
	out := &prStackOut{Repo: filepath.Join(o.Dir, prRepoName)}
	absTmp, err := filepath.Abs(tmp) // git runs inside repo
	if err != nil {
		return nil, err
	}
	author := name + " <" + email + ">"
	var problems []error
	for _, s := range st.offered {
		b := prBuilt{Step: s, N: st.number[s.ID], BaseID: st.base[s.ID], Branch: "pr/" + st.dirName(s.ID)}
		b.BaseBranch, b.BaseTree = branches[b.BaseID], trees[b.BaseID]
		fail := func(err error) (*prStackOut, error) {
			return nil, fmt.Errorf("pull request %d (%s): %w", b.N, s.ID, err)
		}
		if err := id.git(repo, "checkout", "-q", "-B", b.Branch, b.BaseBranch); err != nil {
			return fail(err)
		}
		if err := fillTree(repo, o.Upstream.Dir); err != nil {
			return fail(err)
		}
		if err := layStack(o, st, st.chain(s.ID), repo); err != nil {
			return fail(err)
		}
		if status, err := id.output(repo, "status", "--porcelain"); err != nil || status == "" {
			return fail(fmt.Errorf("it changes nothing on its base (%s)", b.BaseBranch))
		}
		if err := id.commitAll(repo, s.commitMessage(author)); err != nil {
			return fail(err)
		}
		rel := st.dirName(s.ID)
		if err := id.git(repo, "format-patch", "-q", "--zero-commit", "--no-signature", "-o", filepath.Join(absTmp, rel), b.BaseBranch+".."+b.Branch); err != nil {
			return fail(err)
		}
		patches, err := filepath.Glob(filepath.Join(tmp, rel, "*.patch"))
		if err != nil || len(patches) != 1 {
			return fail(fmt.Errorf("git format-patch wrote %d patches, want 1", len(patches)))
		}
		b.Dir = filepath.Join(o.Dir, rel)
		b.Patches = []string{filepath.Join(b.Dir, filepath.Base(patches[0]))}
		if b.Tree, err = id.output(repo, "rev-parse", "HEAD^{tree}"); err != nil {
			return fail(err)
		}
		if b.Size, err = diffSize(id, repo, b.BaseBranch, b.Branch); err != nil {
			return fail(err)
		}
		api, err := apiOf(repo)
		if err != nil {
			return fail(err)
		}
		b.API = addedAPI(apis[b.BaseID], api)
		if err := checkBuilt(id, repo, b); err != nil {
			problems = append(problems, fmt.Errorf("pull request %d (%s): %w", b.N, s.ID, err))
		}
		apis[s.ID], trees[s.ID], branches[s.ID] = api, b.Tree, b.Branch
		out.PRs = append(out.PRs, b)
	}
	if err := id.git(repo, "checkout", "-q", out.PRs[len(out.PRs)-1].Branch); err != nil {
		return nil, err
	}
	if o.Description {
		if err := writeTexts(tmp, o, st, out, results); err != nil {
			problems = append(problems, err)
		}
	}
	if err := replaceDir(tmp, o.Dir); err != nil {
		return nil, err
	}
	return out, errors.Join(problems...)
}

// checkBuilt refuses a pull request over prMaxLines, one whose new API is
// not the one its step declares, and one that adds a build-constrained
// non-test file (upstream's CI builds no tag but functional).
func checkBuilt(id gitID, repo string, b prBuilt) error {
	var problems []error
	if b.Size.Total() > prMaxLines {
		problems = append(problems, fmt.Errorf("%d lines changed (+%d -%d, size/%s), over %d: split it", b.Size.Total(), b.Size.Add, b.Size.Del, b.Size.Label(), prMaxLines))
	}
	want := append([]string(nil), b.Step.API...)
	sort.Strings(want)
	if strings.Join(want, ",") != strings.Join(b.API, ",") {
		problems = append(problems, fmt.Errorf("adds the exported identifiers [%s], its step declares [%s] (series.go, API)", strings.Join(b.API, " "), strings.Join(want, " ")))
	}
	added, err := id.output(repo, "diff", "--name-only", "--diff-filter=A", b.BaseBranch, b.Branch)
	if err != nil {
		return err
	}
	for _, f := range strings.Fields(added) {
		if !strings.HasSuffix(f, ".go") || strings.HasSuffix(f, "_test.go") {
			continue
		}
		tagged, err := hasBuildConstraint(filepath.Join(repo, filepath.FromSlash(f)))
		if err != nil {
			return err
		}
		if tagged {
			problems = append(problems, fmt.Errorf("adds %s, which has a //go:build constraint", f))
		}
	}
	return errors.Join(problems...)
}

// diffSize counts the lines added and deleted from base to head, as GitHub
// counts a pull request's additions and deletions.
func diffSize(id gitID, repo, base, head string) (prSize, error) {
	out, err := id.output(repo, "diff", "--numstat", base, head)
	if err != nil {
		return prSize{}, err
	}
	var s prSize
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) < 3 {
			continue
		}
		add, err1 := strconv.Atoi(f[0])
		del, err2 := strconv.Atoi(f[1])
		if err1 != nil || err2 != nil {
			return prSize{}, fmt.Errorf("git diff --numstat: %q is not a text change", line)
		}
		s.Add += add
		s.Del += del
	}
	return s, nil
}

// checkOverlay checks the steps against the overlay: every file of it
// brought by one step (a slot for what the stack does not offer), every
// file a step names present, and every part found once in its file.
func (st *prStack) checkOverlay(overlayDir string) error {
	files, err := listFiles(overlayDir, nil)
	if err != nil {
		return fmt.Errorf("overlay %s: %v", overlayDir, err)
	}
	have := make(map[string]bool, len(files))
	for _, f := range files {
		have[f] = true
		if _, ok := st.owner[f]; !ok {
			return fmt.Errorf("series: %s/%s is brought by no step: add it to the step that needs it, or to a slot if upstream should not get it (tools/assemble/series.go)", overlayDir, f)
		}
	}
	for f, s := range st.owner {
		if !have[f] {
			return fmt.Errorf("series: step %s brings %s, which %s lacks", s, f, overlayDir)
		}
	}
	for _, s := range st.steps {
		for _, p := range s.Parts {
			src, err := os.ReadFile(filepath.Join(overlayDir, filepath.FromSlash(p.File)))
			if err != nil {
				return err
			}
			if _, err := removeParts(p.File, src, []prPart{p}); err != nil {
				return fmt.Errorf("series: step %s: %v", s.ID, err)
			}
		}
	}
	return nil
}

// layStack lays over the upstream tree dir the overlay files of the steps
// in chain, each without the parts of steps outside it, and applies the
// edits of those steps.
func layStack(o PROptions, st *prStack, chain map[string]bool, dir string) error {
	replaced := make(map[string]bool, len(o.Replacements))
	for _, r := range o.Replacements {
		replaced[r.File] = true
	}
	files, err := listFiles(o.OverlayDir, nil)
	if err != nil {
		return err
	}
	var laid []string
	for _, f := range files {
		if !chain[st.owner[f]] {
			continue
		}
		target := filepath.Join(dir, filepath.FromSlash(f))
		if _, err := os.Stat(filepath.Join(o.Upstream.Dir, filepath.FromSlash(f))); err == nil && !replaced[f] {
			return fmt.Errorf("overlay file %s would overwrite upstream's", f)
		}
		src, err := os.ReadFile(filepath.Join(o.OverlayDir, filepath.FromSlash(f)))
		if err != nil {
			return err
		}
		if parts := st.removedParts(f, chain); len(parts) > 0 {
			if src, err = removeParts(f, src, parts); err != nil {
				return err
			}
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(target, src, 0o644); err != nil {
			return err
		}
		laid = append(laid, f)
	}
	var es []Edit
	for _, e := range o.Edits {
		if chain[e.Step] {
			es = append(es, e)
		}
	}
	_, err = applyAllEdits(dir, es, laid, o.Upstream.ModVersion())
	return err
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
