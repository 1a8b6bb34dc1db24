package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// prCheckTests are the tests each pull request must pass: the zstd,
// configuration and producer tests of upstream's root package, the pull
// request's own among them.
const prCheckTests = "Zstd|Config|Producer"

// prCheckRun is one go test command make test-pr runs on each pull request.
type prCheckRun struct {
	Flags []string
	Run   string // the -run pattern
}

func (r prCheckRun) String() string {
	return fmt.Sprintf("go test %s -run '%s' .", strings.Join(r.Flags, " "), r.Run)
}

// prDefaultChecks are the tests of checkStack: the zstd, configuration and
// producer tests twice in a row under the race detector.
var prDefaultChecks = []prCheckRun{
	{Flags: []string{"-race", "-count=2"}, Run: prCheckTests},
}

// checkStack applies each pull request with git am to a pristine copy of
// its base, upstream as published or the pull request before it applied in
// turn, as a maintainer would, and checks it: the patch gives the tree the
// stack made, its author and sign-off, go build ./..., go vet . and the
// tests. Progress goes to log; the first failure is the error.
func checkStack(o PROptions, s *prStackOut, tests []prCheckRun, log io.Writer) error {
	name, email, err := checkIdentity(o.Author)
	if err != nil {
		return err
	}
	id := gitID{name: name, email: email, date: prFallbackDate}
	dir, err := os.MkdirTemp("", "assemble-pr-check-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := id.git(dir, "init", "-q", "-b", prBaseUpstream); err != nil {
		return err
	}
	if err := copyTree(o.Upstream.Dir, dir); err != nil {
		return err
	}
	if err := id.commitAll(dir, "upstream\n"); err != nil {
		return err
	}
	author := name + " <" + email + ">"
	applied := map[string]string{prBaseUpstream: prBaseUpstream} // step ID -> branch here
	start := time.Now()
	for _, b := range s.PRs {
		what := fmt.Sprintf("pull request %d (%s)", b.N, b.Step.Subject)
		branch := fmt.Sprintf("check/%d", b.N)
		if err := id.git(dir, "checkout", "-q", "-b", branch, applied[b.BaseID]); err != nil {
			return err
		}
		patches, err := absPaths(b.Patches)
		if err != nil {
			return err
		}
		if err := id.git(dir, append([]string{"am", "-q"}, patches...)...); err != nil {
			return fmt.Errorf("%s does not apply to %s: %v", what, baseName(o, s, b), err)
		}
		applied[b.Step.ID] = branch
		if tree, err := id.output(dir, "rev-parse", "HEAD^{tree}"); err != nil || tree != b.Tree {
			return fmt.Errorf("%s: git am gives tree %s, the stack made %s (%v)", what, tree, b.Tree, err)
		}
		meta, err := id.output(dir, "log", "-1", "--format=%an <%ae>%n%s%n%(trailers:key=Signed-off-by,valueonly)")
		if err != nil {
			return err
		}
		lines := strings.Split(meta, "\n")
		if len(lines) < 3 || lines[0] != author || strings.TrimSpace(lines[2]) != author {
			return fmt.Errorf("%s: author and sign-off %q, want %s for both", what, lines, author)
		}
		prStart := time.Now()
		for _, args := range [][]string{{"build", "./..."}, {"vet", "."}} {
			if err := goIn(dir, log, args...); err != nil {
				return fmt.Errorf("%s: go %s: %v", what, strings.Join(args, " "), err)
			}
		}
		// As make test does for upstream's suite: a few of upstream's
		// tests are timing-sensitive on a loaded 2-core machine, so a
		// failed test is run again, never skipped (testRerun).
		var counts []string
		for _, t := range tests {
			count, err := testRerun(dir, t.Flags, t.Run, log)
			if err != nil {
				return fmt.Errorf("%s: %s: %v", what, t, err)
			}
			counts = append(counts, count.String())
		}
		fmt.Fprintf(log, "%d/%d %s on %s: applies; build, vet ok; tests %s (%.0fs)\n", b.N, len(s.PRs), b.Step.Subject, baseName(o, s, b), strings.Join(counts, "; "), time.Since(prStart).Seconds())
	}
	fmt.Fprintf(log, "the stack of %d pull requests applies to %s and passes (%.0fs)\n", len(s.PRs), o.Upstream.ModVersion(), time.Since(start).Seconds())
	return nil
}

// baseName is a pull request's base, for messages.
func baseName(o PROptions, s *prStackOut, b prBuilt) string {
	if b.BaseID == prBaseUpstream {
		return o.Upstream.ModVersion()
	}
	return fmt.Sprintf("pull request %d", s.byID(b.BaseID).N)
}

// goIn runs the go command in the module at dir, output to log.
func goIn(dir string, log io.Writer, args ...string) error {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	cmd.Stdout, cmd.Stderr = log, log
	return cmd.Run()
}

// absPaths makes the patch paths absolute, for git run elsewhere.
func absPaths(paths []string) ([]string, error) {
	out := make([]string, len(paths))
	for i, p := range paths {
		a, err := filepath.Abs(p)
		if err != nil {
			return nil, err
		}
		out[i] = a
	}
	return out, nil
}
