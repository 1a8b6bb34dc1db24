package main

import (
	"bytes"
	"errors"
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
		"keep its require of example.com/up (e.g. v1.2.3)",
		"\treplace example.com/up => "+testModule+" v1.2.3-zstd.1\n",
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
