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
	"sort"
	"strings"
	"time"

	"sarama-zstd.example/tools/internal/releases"
)

// matrixRow is what -all or -matrix found for one supported release.
type matrixRow struct {
	Version      string
	AssembleErr  error
	AssembleTime time.Duration
	Tested       bool // the tests ran: -matrix, and the release assembled
	Tests        testCount
	TestErr      error
	TestTime     time.Duration
}

func (r matrixRow) failed() bool { return r.AssembleErr != nil || r.TestErr != nil }

// assembleAll assembles every release of rels into forks/<version> with
// assembleOne and, when test is not nil, tests each assembled tree. A
// failure does not stop the others: the table says which releases hold.
// A line per release goes to w as it finishes, then the table.
func assembleAll(rels releases.List, assembleOne func(releases.Release, string) error, test func(dir string) (testCount, error), forks string, w io.Writer) error {
	var rows []matrixRow
	for _, r := range rels {
		out := filepath.Join(forks, r.Version)
		row := matrixRow{Version: r.Version}
		start := time.Now()
		row.AssembleErr = assembleOne(r, out)
		row.AssembleTime = time.Since(start)
		if row.AssembleErr == nil && test != nil {
			start = time.Now()
			row.Tests, row.TestErr = test(out)
			row.TestTime, row.Tested = time.Since(start), true
		}
		fmt.Fprintf(w, "%s: %s\n", r.ModVersion(), row.summary(out))
		rows = append(rows, row)
	}
	writeMatrix(w, rows, test != nil)
	var failed []string
	for _, row := range rows {
		if row.failed() {
			failed = append(failed, row.Version)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d supported releases failed: %s (see above)", len(failed), len(rows), strings.Join(failed, ", "))
	}
	return nil
}

// summary is the progress line of a row.
func (r matrixRow) summary(out string) string {
	if r.AssembleErr != nil {
		return "does not assemble: " + oneLine(r.AssembleErr.Error())
	}
	s := "assembled into " + out
	if r.Tested {
		if r.TestErr != nil {
			s += "; tests failed: " + oneLine(r.TestErr.Error())
		} else {
			s += fmt.Sprintf("; %s", r.Tests)
		}
	}
	return s
}

// writeMatrix prints the rows as a Markdown table.
func writeMatrix(w io.Writer, rows []matrixRow, tested bool) {
	fmt.Fprintln(w)
	if tested {
		fmt.Fprintf(w, "| release | assembles | go test -run '%s' . | assembly | tests |\n", strings.ReplaceAll(prCheckTests, "|", `\|`))
		fmt.Fprintln(w, "|---|---|---|---:|---:|")
	} else {
		fmt.Fprintln(w, "| release | assembles | assembly |")
		fmt.Fprintln(w, "|---|---|---:|")
	}
	for _, r := range rows {
		assembles := "yes"
		if r.AssembleErr != nil {
			assembles = "no"
		}
		if !tested {
			fmt.Fprintf(w, "| %s | %s | %s |\n", r.Version, assembles, seconds(r.AssembleTime))
			continue
		}
		tests, testTime := "-", "-"
		if r.Tested {
			tests, testTime = r.Tests.String(), seconds(r.TestTime)
			if r.TestErr != nil {
				tests = "FAIL: " + tests
			}
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", r.Version, assembles, tests, seconds(r.AssembleTime), testTime)
	}
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.0f s", d.Seconds()) }

// testCount counts the tests (subtests included) of a go test run.
type testCount struct {
	Passed, Failed, Skipped int
	Rerun                   []string // tests that failed and passed when run again
}

func (c testCount) String() string {
	s := fmt.Sprintf("%d passed", c.Passed)
	if c.Failed > 0 {
		s += fmt.Sprintf(", %d failed", c.Failed)
	}
	if c.Skipped > 0 {
		s += fmt.Sprintf(", %d skipped", c.Skipped)
	}
	if len(c.Rerun) > 0 {
		s += fmt.Sprintf(" (%s then passed on a rerun)", strings.Join(c.Rerun, ", "))
	}
	return s
}

// A few upstream tests depend on timing on a loaded 2-core machine
// (TestProducerRetryBufferLimits/MaxBufferLength fails about one run in
// ten there, on upstream's own tree as on the fork, docs/tests.md). Like
// make test-fork's gotestsum --rerun-fails, the matrix runs up to maxRerun
// failed tests again; it tests six releases where test-fork tests one, so
// it allows reruns such a test twice. More failures are not timing.
const (
	maxRerun   = 3
	rerunTimes = 2
)

// testRelease runs the tests each upstream pull request must pass
// (prCheckTests) in the assembled tree dir, once; see testRerun.
func testRelease(dir string, log io.Writer) (testCount, error) {
	return testRerun(dir, []string{"-count=1"}, prCheckTests, log)
}

// testRerun runs go test with flags on the tests of pattern in dir. Up to
// maxRerun failed tests are run again, up to rerunTimes times, and pass if
// they pass then; the output of every failure goes to log.
func testRerun(dir string, flags []string, pattern string, log io.Writer) (testCount, error) {
	count, failed, err := goTestJSON(dir, flags, pattern, log)
	if err != nil || count.Failed == 0 {
		return count, err
	}
	if len(failed) == 0 || len(failed) > maxRerun {
		return count, fmt.Errorf("%s in %s", count, dir)
	}
	count.Rerun = failed
	for range rerunTimes {
		fmt.Fprintf(log, "%s: running %s again\n", dir, strings.Join(failed, ", "))
		again, stillFailed, err := goTestJSON(dir, flags, "^("+strings.Join(failed, "|")+")$", log)
		if err != nil {
			return count, err
		}
		if again.Failed == 0 && again.Passed > 0 {
			return count, nil
		}
		failed = stillFailed
	}
	return count, fmt.Errorf("%s in %s; %s failed %d more times", count, dir, strings.Join(failed, ", "), rerunTimes)
}

// goTestJSON runs go test -json with flags and -run pattern in dir and
// counts the tests; failed are the top-level tests that failed. The output
// of failed tests, or of a build that failed, goes to log; a run that
// failed without a failed test is the error.
func goTestJSON(dir string, flags []string, pattern string, log io.Writer) (testCount, []string, error) {
	args := append(append([]string{"test"}, flags...), "-json", "-run", pattern, ".")
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, runErr := cmd.Output()
	count, failed, failures := countTests(out)
	if runErr == nil && count.Failed == 0 {
		return count, nil, nil
	}
	_, _ = log.Write(failures)
	_, _ = log.Write(stderr.Bytes())
	if count.Failed == 0 {
		return count, nil, fmt.Errorf("go %s in %s: %v", strings.Join(args, " "), dir, runErr)
	}
	return count, failed, nil
}

// countTests reads go test -json output: the tests that passed, failed and
// were skipped, the top-level tests that failed, and the output of the
// failed tests (and of the package, for a build failure).
func countTests(out []byte) (testCount, []string, []byte) {
	var c testCount
	output := make(map[string]*bytes.Buffer)
	var failed, topFailed []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for sc.Scan() {
		var ev struct{ Action, Test, Output string }
		if json.Unmarshal(sc.Bytes(), &ev) != nil {
			continue
		}
		switch ev.Action {
		case "output":
			b := output[ev.Test]
			if b == nil {
				b = new(bytes.Buffer)
				output[ev.Test] = b
			}
			b.WriteString(ev.Output)
		case "pass":
			if ev.Test != "" {
				c.Passed++
			}
		case "skip":
			if ev.Test != "" {
				c.Skipped++
			}
		case "fail":
			failed = append(failed, ev.Test) // "": the package
			if ev.Test != "" {
				c.Failed++
				if !strings.Contains(ev.Test, "/") {
					topFailed = append(topFailed, ev.Test)
				}
			}
		}
	}
	sort.Strings(failed)
	sort.Strings(topFailed)
	var b bytes.Buffer
	for _, t := range failed {
		if o := output[t]; o != nil {
			b.Write(o.Bytes())
		}
	}
	return c, topFailed, b.Bytes()
}
