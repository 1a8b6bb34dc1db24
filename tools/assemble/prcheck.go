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

// prCheckTests are the tests each commit of the series must pass: the zstd,
// configuration and producer tests of upstream's root package, the PR's own
// among them.
const prCheckTests = "Zstd|Config|Producer"

// checkPR applies the series with git am to a pristine copy of upstream, as
// a maintainer would, and checks each commit in turn: its author and
// sign-off, go build ./..., go vet . and go test of prCheckTests. Progress
// goes to log; the first failure is the error.
func checkPR(o PROptions, s prSeries, log io.Writer) error {
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
	if err := id.git(dir, "init", "-q", "-b", "main"); err != nil {
		return err
	}
	if err := copyTree(o.Upstream.Dir, dir); err != nil {
		return err
	}
	if err := id.commitAll(dir, "upstream\n"); err != nil {
		return err
	}
	base, err := id.output(dir, "rev-parse", "HEAD")
	if err != nil {
		return err
	}
	patches, err := absPaths(s.Patches)
	if err != nil {
		return err
	}
	if err := id.git(dir, append([]string{"am", "-q"}, patches...)...); err != nil {
		return fmt.Errorf("the series does not apply to %s: %v", o.Upstream.ModVersion(), err)
	}
	revs, err := id.output(dir, "rev-list", "--reverse", base+"..HEAD")
	if err != nil {
		return err
	}
	commits := strings.Fields(revs)
	if len(commits) != len(s.Patches) {
		return fmt.Errorf("git am made %d commits of %d patches", len(commits), len(s.Patches))
	}
	fmt.Fprintf(log, "the series applies to %s: %d commits\n", o.Upstream.ModVersion(), len(commits))
	author := name + " <" + email + ">"
	for i, c := range commits {
		meta, err := id.output(dir, "log", "-1", "--format=%an <%ae>%n%s%n%(trailers:key=Signed-off-by,valueonly)", c)
		if err != nil {
			return err
		}
		lines := strings.Split(meta, "\n")
		if len(lines) < 3 || lines[0] != author || strings.TrimSpace(lines[2]) != author {
			return fmt.Errorf("commit %d: author and sign-off %q, want %s for both", i+1, lines, author)
		}
		if err := id.git(dir, "checkout", "-q", c); err != nil {
			return err
		}
		start := time.Now()
		for _, args := range [][]string{
			{"build", "./..."},
			{"vet", "."},
		} {
			if err := goIn(dir, log, args...); err != nil {
				return fmt.Errorf("commit %d (%s): go %s: %v", i+1, lines[1], strings.Join(args, " "), err)
			}
		}
		// As the matrix does (testRelease): a few of upstream's tests are
		// timing-sensitive on a loaded 2-core machine, so a failed test is
		// run again, up to twice, never skipped.
		count, err := testRelease(dir, log)
		if err != nil {
			return fmt.Errorf("commit %d (%s): go test -run '%s' .: %v", i+1, lines[1], prCheckTests, err)
		}
		fmt.Fprintf(log, "%d/%d %s: build, vet ok; tests %s (%.0fs)\n", i+1, len(commits), lines[1], count, time.Since(start).Seconds())
	}
	return nil
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
