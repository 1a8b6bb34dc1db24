package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunWithoutModuleOrVersionPrintsUsage(t *testing.T) {
	for _, args := range [][]string{
		nil,
		{"-module", testModule},
		{"-version", "v1.2.3-zstd.1"},
		{"-module", testModule, "-version", "v1.2.3-zstd.1", "extra"},
		{"-nosuchflag"},
	} {
		var stdout, stderr bytes.Buffer
		err := run(args, &stdout, &stderr)
		if !errors.Is(err, errUsage) {
			t.Errorf("run(%q) = %v, want errUsage", args, err)
		}
		mustContain(t, "stderr", stderr.String(), "usage: go run ./tools/dist -module", "make dist MODULE=")
		if stdout.Len() > 0 {
			t.Errorf("run(%q) wrote to stdout: %s", args, stdout.String())
		}
	}
}

func TestRunRefusesABadTime(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := run([]string{"-module", testModule, "-version", "v1.2.3-zstd.1", "-time", "yesterday"}, &stdout, &stderr)
	mustContain(t, "the error", errString(err), `-time "yesterday"`, "RFC 3339")
}

// TestRunPrintsWhatAConsumerNeeds checks the instructions; the consumer
// test (consumer_test.go, make test-dist) follows them with the go command.
func TestRunPrintsWhatAConsumerNeeds(t *testing.T) {
	t.Setenv("GOPROXY", "https://proxy.example.com,direct")
	fork := writeFork(t, testForkFiles(testCommit))
	out := filepath.Join(t.TempDir(), "dist")
	var stdout, stderr bytes.Buffer
	if err := run([]string{"-module", testModule, "-version", "v1.2.3-zstd.1", "-fork", fork, "-out", out, "-time", "2025-06-01T14:30:45+02:00"}, &stdout, &stderr); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	if stderr.Len() > 0 {
		t.Errorf("stderr: %s", stderr.String())
	}
	res, err := publish(testOptions(fork, out, "v1.2.3-zstd.1")) // unchanged: gives the hashes
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(out)
	mustContain(t, "stdout", stdout.String(),
		testModule+" v1.2.3-zstd.1: published in "+abs,
		"require the upstream release the fork is made from",
		"\tgo get example.com/up@v1.2.3\n\treplace example.com/up => "+testModule+" v1.2.3-zstd.1\n",
		"go list -m example.com/up then shows example.com/up v1.2.3 => "+testModule+" v1.2.3-zstd.1.",
		"\tGOPROXY="+fileURL(abs)+",https://proxy.example.com,direct\n",
		"\tGONOSUMDB="+testModule+"\n",
		"\t"+testModule+" v1.2.3-zstd.1 "+res.ZipHash+"\n",
		"\t"+testModule+" v1.2.3-zstd.1/go.mod "+res.ModHash+"\n")
	if info := readTree(t, out)["example.com/acme/up-zstd/@v/v1.2.3-zstd.1.info"]; !strings.Contains(info, `"Time":"2025-06-01T12:30:45Z"`) {
		t.Errorf(".info = %s, want -time in UTC", info)
	}

	stdout.Reset()
	if err := run([]string{"-module", testModule, "-version", "v1.2.3-zstd.1", "-fork", fork, "-out", out, "-time", "2025-06-01T14:30:45+02:00"}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	mustContain(t, "stdout of a second run", stdout.String(), "already published with this content")
}

func TestPrintedGOPROXY(t *testing.T) {
	const dir = "file:///srv/dist"
	for fallback, want := range map[string]string{
		"https://proxy.golang.org,direct":             dir + ",https://proxy.golang.org,direct",
		"https://a.example.com|https://b.example.com": dir + ",https://a.example.com|https://b.example.com",
		"off":                                    dir + ",off",
		"":                                       dir,
		dir + ",https://proxy.golang.org,direct": dir + ",https://proxy.golang.org,direct", // set up already
		"https://a.example.com|" + dir:           "https://a.example.com|" + dir,
		"file:///srv/dist2":                      dir + ",file:///srv/dist2",
	} {
		if got := consumerGOPROXY(dir, fallback); got != want {
			t.Errorf("consumerGOPROXY(%q) = %q, want %q", fallback, got, want)
		}
	}
}

func TestFileURL(t *testing.T) {
	for dir, want := range map[string]string{
		"/srv/go proxy/dist": "file:///srv/go%20proxy/dist",
		"/dist":              "file:///dist",
		"/a,b|c":             "file:///a%2Cb%7Cc",
	} {
		if got := fileURL(dir); got != want {
			t.Errorf("fileURL(%q) = %q, want %q", dir, got, want)
		}
	}
}

// testPin writes a pin file of testUpstream's releases v1.2.2 and v1.2.3.
func testPin(t *testing.T) string {
	t.Helper()
	pin := filepath.Join(t.TempDir(), "upstream.pin")
	writeFiles(t, filepath.Dir(pin), map[string]string{"upstream.pin": "# test\n" +
		testUpstream + " v1.2.2 h1:a=\n" + testUpstream + " v1.2.3 h1:b=\n"})
	return pin
}

// forkOf is a fork of testUpstream at release v.
func forkOf(t *testing.T, dir, v string) {
	t.Helper()
	files := testForkFiles(testCommit)
	files[forkNoteName] = strings.Replace(files[forkNoteName], "@v1.2.3`", "@"+v+"`", 1)
	writeFiles(t, dir, files)
	regenerateManifest(t, dir)
}

// TestCheckArgs is make dist's check before it assembles: VERSION names
// UPSTREAM, or the newest supported release without it.
func TestCheckArgs(t *testing.T) {
	pin := testPin(t)
	for _, tc := range []struct {
		args []string
		want string // "" for accepted
	}{
		{[]string{"-version", "v1.2.3-zstd.1"}, ""},
		{[]string{"-version", "v1.2.2-zstd.4", "-upstream", "v1.2.2"}, ""},
		{[]string{"-all", "-revision", "2"}, ""},
		{[]string{"-version", "v1.2.2-zstd.1"}, "without UPSTREAM, make dist publishes the fork of the newest supported release, v1.2.3"},
		{[]string{"-version", "v1.2.3-zstd.1", "-upstream", "v1.2.2"}, "names upstream v1.2.3, but the fork is made from upstream v1.2.2"},
		{[]string{"-version", "v1.2.3-fork1"}, "does not follow the scheme v<upstream>-zstd.<n> (docs/adopting.md): for upstream v1.2.3, v1.2.3-zstd.1 for the first revision"},
		{[]string{"-version", "v1.2.4-zstd.1", "-upstream", "v1.2.4"}, "v1.2.4 is not a supported release (upstream.pin lists v1.2.2, v1.2.3); make upgrade UPSTREAM=v1.2.4"},
		{[]string{"-version", "v1.2.3+zstd.1"}, "build metadata"},
	} {
		var stdout, stderr bytes.Buffer
		args := append([]string{"-check-args", "-pin", pin, "-module", testModule}, tc.args...)
		err := run(args, &stdout, &stderr)
		if tc.want == "" {
			if err != nil {
				t.Errorf("%q: %v", tc.args, err)
			}
		} else {
			mustContain(t, fmt.Sprintf("%q's error", tc.args), errString(err), tc.want)
			if strings.Contains(tc.want, "does not follow") && strings.Contains(errString(err), "without UPSTREAM") {
				t.Errorf("%q: the version names no release, yet the error speaks of UPSTREAM: %v", tc.args, err)
			}
		}
		if stdout.Len() > 0 {
			t.Errorf("%q printed %s", tc.args, stdout.String())
		}
	}
	for _, args := range [][]string{
		{"-all"},
		{"-all", "-revision", "1", "-version", "v1.2.3-zstd.1"},
		{"-all", "-revision", "1", "-upstream", "v1.2.3"},
		{"-revision", "1", "-version", "v1.2.3-zstd.1"},
	} {
		var stdout, stderr bytes.Buffer
		if err := run(append([]string{"-check-args", "-pin", pin, "-module", testModule}, args...), &stdout, &stderr); !errors.Is(err, errUsage) {
			t.Errorf("%q: %v, want the usage", args, err)
		}
	}
}

// TestRunRefusesTheForkOfAnotherRelease: -upstream names the release the
// fork in -fork must be made from.
func TestRunRefusesTheForkOfAnotherRelease(t *testing.T) {
	fork := t.TempDir()
	forkOf(t, fork, "v1.2.2")
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	err := run([]string{"-module", testModule, "-version", "v1.2.3-zstd.1", "-upstream", "v1.2.3", "-fork", fork, "-out", out}, &stdout, &stderr)
	mustContain(t, "the error", errString(err), "is the fork of upstream v1.2.2, not of v1.2.3", "make fork UPSTREAM=v1.2.3")
	err = run([]string{"-module", testModule, "-version", "v1.2.3-zstd.1", "-fork", fork, "-out", out}, &stdout, &stderr)
	mustContain(t, "the error without -upstream", errString(err), "names upstream v1.2.3, but the fork is made from upstream v1.2.2")
	if files := readTree(t, out); len(files) > 0 {
		t.Errorf("wrote %v", files)
	}
}

// TestRunAllPublishesEveryRelease publishes the forks of both releases of
// the pin into one proxy directory, each under its own version.
func TestRunAllPublishesEveryRelease(t *testing.T) {
	t.Setenv("GOPROXY", "https://proxy.example.com,direct")
	forks := t.TempDir()
	for _, v := range []string{"v1.2.2", "v1.2.3"} {
		forkOf(t, filepath.Join(forks, v), v)
	}
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	args := []string{"-module", testModule, "-all", "-revision", "3", "-pin", testPin(t), "-forks", forks, "-out", out, "-time", "2025-06-01T12:00:00Z"}
	if err := run(args, &stdout, &stderr); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	files := readTree(t, out)
	if g, w := files["example.com/acme/up-zstd/@v/list"], "v1.2.2-zstd.3\nv1.2.3-zstd.3\n"; g != w {
		t.Errorf("list = %q, want %q", g, w)
	}
	mustContain(t, "stdout", stdout.String(),
		testModule+" v1.2.2-zstd.3: published in ",
		"(example.com/up@v1.2.2 with sarama-zstd "+testCommit+")",
		testModule+" v1.2.3-zstd.3: published in ",
		"\tgo get example.com/up@v1.2.3\n\treplace example.com/up => "+testModule+" v1.2.3-zstd.3\n",
		"\tGONOSUMDB="+testModule+"\n",
		"\t"+testModule+" v1.2.2-zstd.3/go.mod h1:",
		"\t"+testModule+" v1.2.3-zstd.3/go.mod h1:")

	// A release whose fork is missing stops the run, naming it.
	if err := os.RemoveAll(filepath.Join(forks, "v1.2.3")); err != nil {
		t.Fatal(err)
	}
	args[4] = "4"
	err := run(args, &stdout, &stderr)
	mustContain(t, "the error", errString(err), "v1.2.3-zstd.4: no assembled fork in "+filepath.Join(forks, "v1.2.3"))
}
