package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// make pr-bench measures each pull request of the stack against its own
// base, as a maintainer would, inside the upstream tree (the stack's
// repository): its benchmarks before and after it, the benchmarks only it
// can run, and its tests under the race detector. The machine is shared and
// its speed drifts over minutes, so the before and after test binaries run
// in alternation, one count each per round, and benchstat compares the
// rounds. The results go into the repository (prResults), one pull request
// at a time, so that an interrupted run keeps what it measured.

// prBenchOptions are the knobs of make pr-bench.
type prBenchOptions struct {
	Rounds    int      // alternating rounds of the before and after binaries
	Benchstat []string // the command that runs benchstat
	Work      string   // scratch directory: test binaries and raw output
	// Only names the pull requests to measure, by step ID or directory;
	// empty measures those whose results are missing or stale.
	Only   []string
	Commit string // this repository's commit, recorded with the results
}

// benchStack measures the pull requests of s that o.Only names, or the
// stale ones, and writes each result into path as soon as it is made.
func benchStack(s *prStackOut, o prBenchOptions, path string, log io.Writer) error {
	results, err := readResults(path)
	if err != nil {
		return err
	}
	want := make(map[string]bool)
	for _, w := range o.Only {
		want[w] = true
	}
	if err := os.MkdirAll(o.Work, 0o755); err != nil {
		return err
	}
	work, err := filepath.Abs(o.Work)
	if err != nil {
		return err
	}
	m, err := machine()
	if err != nil {
		return err
	}
	measured := 0
	for i := range s.PRs {
		b := &s.PRs[i]
		dir := filepath.Base(b.Dir)
		if len(want) > 0 && !want[b.Step.ID] && !want[dir] {
			continue
		}
		if len(want) == 0 && results.fresh(b) != nil {
			fmt.Fprintf(log, "pr-bench: %s: measurements up to date\n", dir)
			continue
		}
		start := time.Now()
		r, err := benchOne(s, b, o, work, log)
		if err != nil {
			return fmt.Errorf("%s: %w", dir, err)
		}
		r.Machine, r.Commit = m, o.Commit
		results.Steps[b.Step.ID] = r
		if err := writeResults(path, results); err != nil {
			return err
		}
		measured++
		fmt.Fprintf(log, "pr-bench: %s measured in %.0fs\n", dir, time.Since(start).Seconds())
	}
	fmt.Fprintf(log, "pr-bench: %d pull requests measured into %s\n", measured, path)
	return nil
}

// benchOne measures one pull request in the stack's repository.
func benchOne(s *prStackOut, b *prBuilt, o prBenchOptions, work string, log io.Writer) (*prResult, error) {
	repo := s.Repo
	id := gitID{name: "pr-bench", email: "pr-bench@localhost", date: prFallbackDate}
	r := &prResult{Date: time.Now().UTC().Format("2006-01-02"), Tree: b.Tree, BaseTree: b.BaseTree, Base: b.BaseBranch}
	if b.BaseID != prBaseUpstream {
		r.Base = s.byID(b.BaseID).Branch
	}
	checkout := func(ref string) error {
		if err := id.git(repo, "checkout", "-q", "-f", ref); err != nil {
			return err
		}
		return id.git(repo, "clean", "-q", "-f", "-d")
	}
	defer func() { _ = checkout(s.PRs[len(s.PRs)-1].Branch) }()
	bench := b.Step.Bench
	dir := filepath.Join(work, filepath.Base(b.Dir))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	binary := func(name string) (string, error) {
		out := filepath.Join(dir, name)
		return out, goIn(repo, log, "test", "-c", "-o", out, ".")
	}
	var after string
	if bench.Regexp != "" || bench.After != "" {
		if err := checkout(b.Branch); err != nil {
			return nil, err
		}
		var err error
		if after, err = binary("after.test"); err != nil {
			return nil, err
		}
	}
	if bench.Regexp != "" {
		// The base, with the pull request's benchmark files laid over it.
		if err := checkout(b.BaseBranch); err != nil {
			return nil, err
		}
		for _, f := range bench.Files {
			content, err := id.cmd(repo, "show", b.Branch+":"+f).Output()
			if err != nil {
				return nil, fmt.Errorf("git show %s:%s: %v", b.Branch, f, err)
			}
			if err := os.WriteFile(filepath.Join(repo, filepath.FromSlash(f)), content, 0o644); err != nil {
				return nil, err
			}
		}
		before, err := binary("before.test")
		if err != nil {
			return nil, fmt.Errorf("the benchmarks %v do not build on the base %s: %w", bench.Files, b.BaseBranch, err)
		}
		args := []string{"-test.run", "^$", "-test.bench", bench.Regexp, "-test.benchmem"}
		files := map[string]*bytes.Buffer{"before.txt": {}, "after.txt": {}}
		for round := 1; round <= o.Rounds; round++ {
			fmt.Fprintf(log, "pr-bench: %s: round %d of %d\n", filepath.Base(b.Dir), round, o.Rounds)
			for _, x := range []struct{ bin, file string }{{before, "before.txt"}, {after, "after.txt"}} {
				out, err := runIn(repo, x.bin, args...)
				if err != nil {
					return nil, fmt.Errorf("%s: %v\n%s", x.bin, err, out)
				}
				files[x.file].WriteString(out)
			}
		}
		stat, err := benchstat(o, dir, files)
		if err != nil {
			return nil, err
		}
		lay := ""
		if len(bench.Files) > 0 {
			lay = fmt.Sprintf("git checkout %s -- %s\n", b.Branch, strings.Join(bench.Files, " "))
		}
		r.Bench = &prRun{
			What: "before and after",
			Commands: fmt.Sprintf(`git checkout %s
%sgo test -c -o before.test .
git checkout -f %s
go test -c -o after.test .
for i in $(seq %d); do
  ./before.test -test.run '^$' -test.bench '%s' -test.benchmem >> before.txt
  ./after.test -test.run '^$' -test.bench '%s' -test.benchmem >> after.txt
done
benchstat before.txt after.txt`, r.Base, lay, b.Branch, o.Rounds, bench.Regexp, bench.Regexp),
			Output: stat,
		}
	}
	if err := checkout(b.Branch); err != nil {
		return nil, err
	}
	if bench.After != "" {
		fmt.Fprintf(log, "pr-bench: %s: %s\n", filepath.Base(b.Dir), bench.After)
		out, err := runIn(repo, after, "-test.run", "^$", "-test.bench", bench.After, "-test.benchmem", "-test.count", "6")
		if err != nil {
			return nil, fmt.Errorf("%s: %v\n%s", bench.After, err, out)
		}
		stat, err := benchstat(o, dir, map[string]*bytes.Buffer{"after.txt": bytes.NewBufferString(out)})
		if err != nil {
			return nil, err
		}
		r.After = &prRun{
			What:     "this pull request",
			Commands: fmt.Sprintf("go test -run '^$' -bench '%s' -benchmem -count 6 . > after.txt\nbenchstat after.txt", bench.After),
			Output:   stat,
		}
	}

	// The tests under the race detector: the pull request's zstd, config
	// and producer tests twice in a row; with Suite, the whole package on
	// the base and on the pull request. A failed test is run again, as
	// make test does (upstream has timing-sensitive tests), and the
	// record says so.
	type raceRun struct {
		ref, what string
		check     prCheckRun
	}
	runs := []raceRun{{b.Branch, "this pull request", prCheckRun{Flags: []string{"-race", "-count=2"}, Run: prCheckTests}}}
	if bench.Suite {
		all := prCheckRun{Flags: []string{"-race", "-count=1"}, Run: "."}
		runs = append(runs, raceRun{b.BaseBranch, "its base", all}, raceRun{b.Branch, "this pull request", all})
	}
	for _, rc := range runs {
		if err := checkout(rc.ref); err != nil {
			return nil, err
		}
		fmt.Fprintf(log, "pr-bench: %s: %s\n", rc.what, rc.check)
		start := time.Now()
		count, err := testRerun(repo, rc.check.Flags, rc.check.Run, log)
		if err != nil {
			return nil, fmt.Errorf("%s on %s: %v", rc.check, rc.ref, err)
		}
		summary := fmt.Sprintf("%s in %.0fs", count, time.Since(start).Seconds())
		fmt.Fprintf(log, "pr-bench: %s\n", summary)
		r.Race = append(r.Race, prRun{What: rc.what, Commands: rc.check.String(), Output: summary})
	}
	return r, nil
}

// benchstat writes files into dir and runs benchstat on them, in the order
// before, after; it names the columns by the files' names.
func benchstat(o prBenchOptions, dir string, files map[string]*bytes.Buffer) (string, error) {
	var names []string
	for _, n := range []string{"before.txt", "after.txt"} {
		if buf, ok := files[n]; ok {
			if err := os.WriteFile(filepath.Join(dir, n), buf.Bytes(), 0o644); err != nil {
				return "", err
			}
			names = append(names, n)
		}
	}
	cmd := exec.Command(o.Benchstat[0], append(o.Benchstat[1:], names...)...)
	cmd.Dir = dir
	stat, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("benchstat: %v\n%s", err, stat)
	}
	return strings.TrimRight(string(stat), "\n"), nil
}

// runIn runs a test binary in dir and returns its output.
func runIn(dir, bin string, args ...string) (string, error) {
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// machine describes where the measurements ran.
func machine() (prMachine, error) {
	m := prMachine{CPUs: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0), OSArch: runtime.GOOS + "/" + runtime.GOARCH}
	if out, err := exec.Command("lscpu").Output(); err == nil {
		sc := bufio.NewScanner(bytes.NewReader(out))
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "Model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if m.CPU == "" {
		m.CPU = "unknown CPU"
	}
	out, err := exec.Command("go", "version").Output()
	if err != nil {
		return m, fmt.Errorf("go version: %v", err)
	}
	m.Go = strings.TrimSpace(string(out))
	return m, nil
}
