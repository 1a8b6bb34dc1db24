package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"time"
)

// The measurements quoted in PR.md, as a maintainer would make them inside
// the upstream tree with the series applied (git am): each prRun keeps the
// commands, written for that tree, beside their output. The machine is
// shared and its speed drifts over minutes, so the before and after test
// binaries run in alternation, one count each per round, and benchstat
// compares the rounds.
const (
	prBenchRegexp = "BenchmarkZstd(MemoryConsumption|CompressParallel)"
	prFirstBench  = "BenchmarkZstdFirstCompression"
)

// prBenchOptions are the knobs of make pr-bench.
type prBenchOptions struct {
	Rounds    int      // alternating rounds of the before and after binaries
	Benchstat []string // the command that runs benchstat
	Work      string   // scratch directory: test binaries and raw output
}

// benchPR measures the series s and writes the results to path.
func benchPR(s prSeries, o prBenchOptions, path string, log io.Writer) error {
	repo := s.Repo
	id := gitID{name: "pr-bench", email: "pr-bench@localhost", date: prFallbackDate}
	subject := func(ref string) (string, error) { return id.output(repo, "log", "-1", "--format=%s", ref) }
	n := len(s.Patches)
	beforeRef := fmt.Sprintf("HEAD~%d", n-1) // the benchmark alone, on upstream's code
	baseRef := fmt.Sprintf("HEAD~%d", n)     // upstream as published
	r := &prResults{Tree: s.Tree, Date: time.Now().UTC().Format("2006-01-02")}
	var err error
	if r.Machine, err = machine(); err != nil {
		return err
	}
	for _, c := range []prCommit{{Name: "before", Ref: beforeRef}, {Name: "after", Ref: "HEAD"}} {
		if c.Subject, err = subject(c.Ref); err != nil {
			return err
		}
		r.Commits = append(r.Commits, c)
	}
	if err := os.MkdirAll(o.Work, 0o755); err != nil {
		return err
	}
	work, err := filepath.Abs(o.Work)
	if err != nil {
		return err
	}
	head, err := id.output(repo, "rev-parse", "HEAD")
	if err != nil {
		return err
	}
	defer func() { _ = id.git(repo, "checkout", "-q", head) }() // leave the repository at its last commit
	binary := func(ref, name string) (string, error) {
		if err := id.git(repo, "checkout", "-q", ref); err != nil {
			return "", err
		}
		out := filepath.Join(work, name)
		return out, goIn(repo, log, "test", "-c", "-o", out, ".")
	}
	before, err := binary(beforeRef, "before.test")
	if err != nil {
		return err
	}
	after, err := binary(head, "after.test")
	if err != nil {
		return err
	}

	// Before and after, in alternation.
	benchArgs := []string{"-test.run", "^$", "-test.bench", prBenchRegexp, "-test.benchmem"}
	files := map[string]*bytes.Buffer{"before.txt": {}, "after.txt": {}}
	for round := 1; round <= o.Rounds; round++ {
		fmt.Fprintf(log, "pr-bench: round %d of %d\n", round, o.Rounds)
		for _, b := range []struct{ bin, file string }{{before, "before.txt"}, {after, "after.txt"}} {
			out, err := runIn(repo, b.bin, benchArgs...)
			if err != nil {
				return fmt.Errorf("%s: %v\n%s", b.bin, err, out)
			}
			files[b.file].WriteString(out)
		}
	}
	for name, buf := range files {
		if err := os.WriteFile(filepath.Join(work, name), buf.Bytes(), 0o644); err != nil {
			return err
		}
	}
	// benchstat names the columns by the files' names.
	cmd := exec.Command(o.Benchstat[0], append(o.Benchstat[1:], "before.txt", "after.txt")...)
	cmd.Dir = work
	stat, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("benchstat: %v\n%s", err, stat)
	}
	r.Bench = prRun{
		What: "before and after",
		Commands: fmt.Sprintf(`git checkout -q %s && go test -c -o before.test . && git checkout -q -
go test -c -o after.test .
for i in $(seq %d); do
  ./before.test -test.run '^$' -test.bench '%s' -test.benchmem >> before.txt
  ./after.test -test.run '^$' -test.bench '%s' -test.benchmem >> after.txt
done
benchstat before.txt after.txt`, beforeRef, o.Rounds, prBenchRegexp, prBenchRegexp),
		Output: strings.TrimRight(string(stat), "\n"),
	}

	// The first compression of a pool against one encoder with
	// WithEncoderConcurrency(4).
	fmt.Fprintf(log, "pr-bench: %s\n", prFirstBench)
	out, err := runIn(repo, after, "-test.run", "^$", "-test.bench", prFirstBench, "-test.benchmem", "-test.count", "6")
	if err != nil {
		return fmt.Errorf("%s: %v\n%s", prFirstBench, err, out)
	}
	if err := os.WriteFile(filepath.Join(work, "first.txt"), []byte(out), 0o644); err != nil {
		return err
	}
	cmd = exec.Command(o.Benchstat[0], append(o.Benchstat[1:], "first.txt")...)
	cmd.Dir = work
	if stat, err = cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("benchstat: %v\n%s", err, stat)
	}
	r.First = prRun{
		What:     "after",
		Commands: fmt.Sprintf("go test -run '^$' -bench %s -benchmem -count 6 . > first.txt\nbenchstat first.txt", prFirstBench),
		Output:   strings.TrimRight(string(stat), "\n"),
	}

	// The tests under the race detector: those of each commit, twice in a
	// row; then the whole package, as upstream's CI runs it, before and
	// after in alternation, twice each, with the slowest test of each run
	// (upstream has timing-sensitive tests: one that waits out a timeout
	// shows there, whatever the commit). A test of the whole package that
	// fails is run again, twice at most, and the attempts are recorded.
	revs, err := id.output(repo, "rev-list", "--reverse", baseRef+"..HEAD")
	if err != nil {
		return err
	}
	type raceRun struct {
		ref, what string
		args      []string
		json      bool
	}
	var runs []raceRun
	for i, c := range strings.Fields(revs) {
		sub, err := subject(c)
		if err != nil {
			return err
		}
		runs = append(runs, raceRun{c, fmt.Sprintf("%d. %s", i+1, sub), []string{"test", "-race", "-count=2", "-run", prCheckTests, "."}, false})
	}
	for range 2 {
		for _, rc := range []struct{ ref, what string }{{baseRef, "upstream as published"}, {head, "the series applied"}} {
			runs = append(runs, raceRun{rc.ref, rc.what, []string{"test", "-race", "-count=1", "-json", "."}, true})
		}
	}
	for _, rc := range runs {
		if err := id.git(repo, "checkout", "-q", rc.ref); err != nil {
			return err
		}
		cmdline := "go " + strings.Replace(strings.Join(rc.args, " "), "-run "+prCheckTests, "-run '"+prCheckTests+"'", 1)
		for attempt := 1; ; attempt++ {
			fmt.Fprintf(log, "pr-bench: %s: %s\n", rc.what, cmdline)
			var buf bytes.Buffer
			out := io.Writer(io.MultiWriter(&buf, log))
			if rc.json {
				out = &buf
			}
			err := goIn(repo, out, rc.args...)
			if err == nil {
				what := rc.what
				if attempt > 1 {
					what = fmt.Sprintf("%s (attempt %d: the earlier ones failed)", what, attempt)
				}
				summary := okLine(buf.String())
				if rc.json {
					summary = jsonSummary(buf.String())
				}
				fmt.Fprintf(log, "pr-bench: %s\n", summary)
				r.Race = append(r.Race, prRun{What: what, Commands: cmdline, Output: summary})
				break
			}
			if !rc.json || attempt == 3 {
				return fmt.Errorf("%s at %s: %v", cmdline, rc.ref, err)
			}
		}
	}
	return writeResults(path, r)
}

// runIn runs a test binary in dir and returns its output.
func runIn(dir, bin string, args ...string) (string, error) {
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return string(out), err
}

var okLinePattern = regexp.MustCompile(`(?m)^ok\s+\S+\s+\S+s$`)

// okLine is go test's summary line of the package, with its time.
func okLine(out string) string {
	return strings.Join(strings.Fields(okLinePattern.FindString(out)), " ")
}

// jsonSummary is the package's result and time in go test -json output,
// and its slowest top-level test.
func jsonSummary(out string) string {
	var pkg string
	var pkgTime float64
	slowest, slowestTime := "", -1.0
	for _, line := range strings.Split(out, "\n") {
		var e struct {
			Action, Package, Test string
			Elapsed               float64
		}
		if json.Unmarshal([]byte(line), &e) != nil || (e.Action != "pass" && e.Action != "fail") {
			continue
		}
		switch {
		case e.Test == "":
			pkg, pkgTime = e.Action+" "+e.Package, e.Elapsed
		case !strings.Contains(e.Test, "/") && e.Elapsed > slowestTime:
			slowest, slowestTime = e.Test, e.Elapsed
		}
	}
	return fmt.Sprintf("%s %.1fs; slowest: %s %.1fs", pkg, pkgTime, slowest, slowestTime)
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
