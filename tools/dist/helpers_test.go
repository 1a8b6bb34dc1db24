package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/module"
)

// The unit tests publish a small fork of their own: a module declaring
// testUpstream, with the FORK.md lines and the manifest tools/assemble
// writes. None of them needs the network.

const (
	testUpstream = "example.com/up"
	testCommit   = "0123456789abcdef0123456789abcdef01234567"
	testModule   = "example.com/acme/up-zstd"
)

// testTime is a .info Time with nothing special about it.
var testTime = time.Date(2025, 6, 1, 12, 30, 45, 0, time.UTC)

// testForkFiles are the files of a fork of testUpstream v1.2.3 assembled
// from commit.
func testForkFiles(commit string) map[string]string {
	return map[string]string{
		"go.mod":     "module " + testUpstream + "\n\ngo 1.21\n",
		"up.go":      "package up\n\n// Version says which tree this is.\nfunc Version() string { return \"fork\" }\n",
		"sub/sub.go": "package sub\n",
		"LICENSE":    "a licence\n",
		forkNoteName: "# Assembled fork of " + testUpstream + "\n\n" +
			"- Upstream: `" + testUpstream + "@v1.2.3`, module hash `h1:x=`, verified before use\n" +
			"- sarama-zstd commit: `" + commit + "`\n",
	}
}

// writeFork writes files under a new directory, with a manifest of them as
// tools/assemble writes it, and returns the directory.
func writeFork(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	writeFiles(t, dir, files)
	regenerateManifest(t, dir)
	return dir
}

// regenerateManifest rewrites dir's manifest from the files in it, as a new
// run of make fork would after a change of the sources.
func regenerateManifest(t *testing.T, dir string) {
	t.Helper()
	var lines []string
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		if rel = filepath.ToSlash(rel); rel == manifestName {
			return nil
		}
		sum, err := fileSHA256(path)
		lines = append(lines, sum+"  "+rel+"\n")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(lines)
	writeFiles(t, dir, map[string]string{manifestName: "# sha256 of each file\n" + strings.Join(lines, "")})
}

// writeFiles creates files (slash paths) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// testOptions publishes fork into out as testModule at version, dated testTime.
func testOptions(fork, out, version string) Options {
	return Options{
		Fork:   fork,
		Out:    out,
		Target: module.Version{Path: testModule, Version: version},
		Time:   testTime,
	}
}

// mustPublish publishes and fails the test on an error.
func mustPublish(t *testing.T, o Options) Result {
	t.Helper()
	res, err := publish(o)
	if err != nil {
		t.Fatalf("publish %s: %v", o.Target, err)
	}
	return res
}

// readTree maps the slash path of every file under dir to its content.
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := make(map[string]string)
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		data, err := os.ReadFile(path)
		files[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// mustContain fails the test unless s contains every one of want.
func mustContain(t *testing.T, what, s string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Errorf("%s does not contain %q:\n%s", what, w, s)
		}
	}
}

// errString is err's message, or "<nil>".
func errString(err error) string { return fmt.Sprint(err) }
