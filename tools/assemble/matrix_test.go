package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sarama-zstd.example/tools/internal/releases"
)

var testReleases = releases.List{
	{Module: testModule, Version: "v1.2.2", Hash: "h1:a="},
	{Module: testModule, Version: "v1.2.3", Hash: "h1:b="},
	{Module: testModule, Version: "v1.3.0", Hash: "h1:c="},
}

// TestAssembleAllGoesOnAfterAFailure: a release that does not assemble, or
// whose tests fail, is reported, and the others are still assembled and
// tested; the error names the failed ones.
func TestAssembleAllGoesOnAfterAFailure(t *testing.T) {
	forks := t.TempDir()
	var assembled, tested []string
	assembleOne := func(r releases.Release, out string) error {
		assembled = append(assembled, r.Version)
		if out != filepath.Join(forks, r.Version) {
			t.Errorf("%s assembled into %s", r.Version, out)
		}
		if r.Version == "v1.2.2" {
			return errors.New("anchor Config.Producer.Zstd not found")
		}
		return nil
	}
	test := func(dir string) (testCount, error) {
		tested = append(tested, filepath.Base(dir))
		if filepath.Base(dir) == "v1.3.0" {
			return testCount{Passed: 3, Failed: 1}, errors.New("TestZstdPool failed")
		}
		return testCount{Passed: 4, Skipped: 1}, nil
	}
	var out strings.Builder
	err := assembleAll(testReleases, assembleOne, test, forks, &out)
	if err == nil || !strings.Contains(err.Error(), "2 of 3 supported releases failed: v1.2.2, v1.3.0") {
		t.Errorf("err = %v", err)
	}
	if strings.Join(assembled, " ") != "v1.2.2 v1.2.3 v1.3.0" || strings.Join(tested, " ") != "v1.2.3 v1.3.0" {
		t.Errorf("assembled %v, tested %v", assembled, tested)
	}
	mustContain(t, out.String(),
		testModule+"@v1.2.2: does not assemble: anchor Config.Producer.Zstd not found",
		"| v1.2.2 | no | - |",
		"| v1.2.3 | yes | 4 passed, 1 skipped |",
		"| v1.3.0 | yes | FAIL: 3 passed, 1 failed |",
		`go test -run 'Zstd\|Config\|Producer' .`)

	// Without tests (-all), a table of the assembly alone.
	out.Reset()
	if err := assembleAll(testReleases[1:], assembleOne, nil, forks, &out); err != nil {
		t.Fatal(err)
	}
	mustContain(t, out.String(), "| release | assembles | assembly |", "| v1.3.0 | yes |")
	if strings.Contains(out.String(), "passed") {
		t.Errorf("tests reported without tests:\n%s", out.String())
	}
}

func TestCountTests(t *testing.T) {
	out := `{"Action":"run","Test":"TestA"}
{"Action":"output","Test":"TestA","Output":"=== RUN   TestA\n"}
{"Action":"pass","Test":"TestA"}
{"Action":"output","Test":"TestB/sub","Output":"    b_test.go:9: wrong\n"}
{"Action":"fail","Test":"TestB/sub"}
{"Action":"pass","Test":"TestB/other"}
{"Action":"fail","Test":"TestB"}
{"Action":"skip","Test":"TestC"}
not json
{"Action":"fail"}
`
	c, failed, failures := countTests([]byte(out))
	if c.Passed != 2 || c.Failed != 2 || c.Skipped != 1 {
		t.Errorf("count = %+v", c)
	}
	if strings.Join(failed, " ") != "TestB" {
		t.Errorf("top-level failed = %q", failed)
	}
	if !strings.Contains(string(failures), "b_test.go:9: wrong") || strings.Contains(string(failures), "=== RUN   TestA") {
		t.Errorf("failures output = %q", failures)
	}
}

// TestTestReleaseRerunsAFailedTest runs the go command on a small module
// whose test fails once, then passes: the rerun makes the release pass and
// is reported; a test that always fails fails the release.
func TestTestReleaseRerunsAFailedTest(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"go.mod": "module example.com/up\n\ngo 1.21\n",
		"up_test.go": `package up

import (
	"os"
	"testing"
)

func TestZstdSteady(t *testing.T) {}

// TestProducerOnce fails on its first run in a directory, like a test that
// depends on timing on a loaded machine.
func TestProducerOnce(t *testing.T) {
	if _, err := os.Stat("ran"); err != nil {
		os.WriteFile("ran", nil, 0o644)
		t.Fatal("first run")
	}
}

func TestConfigBroken(t *testing.T) {
	if os.Getenv("BROKEN") != "" {
		t.Fatal("always")
	}
}
`,
	})
	var log strings.Builder
	c, err := testRelease(dir, &log)
	if err != nil {
		t.Fatalf("testRelease: %v\n%s", err, log.String())
	}
	if c.Passed != 2 || c.Failed != 1 || strings.Join(c.Rerun, " ") != "TestProducerOnce" {
		t.Errorf("count = %+v", c)
	}
	mustContain(t, c.String(), "TestProducerOnce then passed on a rerun")
	mustContain(t, log.String(), "first run", "running TestProducerOnce again")

	t.Setenv("BROKEN", "1")
	log.Reset()
	if _, err := testRelease(dir, &log); err == nil || !strings.Contains(err.Error(), "TestConfigBroken failed 2 more times") {
		t.Errorf("a test that always fails: err = %v", err)
	}
	os.Remove(filepath.Join(dir, "ran"))
}

func mustContain(t *testing.T, s string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Errorf("output lacks %q:\n%s", w, s)
		}
	}
}
