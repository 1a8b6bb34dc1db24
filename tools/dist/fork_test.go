package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestReadFork(t *testing.T) {
	dir := writeFork(t, testForkFiles(testCommit))
	f, err := readFork(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := Fork{Dir: dir, ModulePath: testUpstream, Upstream: "v1.2.3", Commit: testCommit}
	if f != want {
		t.Errorf("readFork = %+v, want %+v", f, want)
	}
	if f.Dirty() || f.BaseCommit() != testCommit {
		t.Errorf("a fork of a clean commit: Dirty() = %v, BaseCommit() = %q", f.Dirty(), f.BaseCommit())
	}
}

func TestForkCommitStates(t *testing.T) {
	for _, tc := range []struct {
		commit string
		dirty  bool
		base   string
	}{
		{testCommit, false, testCommit},
		{testCommit + "-dirty", true, testCommit},
		{"unknown (not a git work tree)", true, ""},
		{testCommit[:12], true, ""},
	} {
		f := Fork{Commit: tc.commit}
		if f.Dirty() != tc.dirty || f.BaseCommit() != tc.base {
			t.Errorf("commit %q: Dirty() = %v, BaseCommit() = %q; want %v, %q", tc.commit, f.Dirty(), f.BaseCommit(), tc.dirty, tc.base)
		}
	}
}

func TestReadForkRefuses(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, dir string)
		want   []string
	}{
		{"no fork", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "go.mod")) }, []string{"no assembled fork", "make fork"}},
		{"no FORK.md", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, forkNoteName))
			regenerateManifest(t, dir)
		}, []string{"no FORK.md", "make fork"}},
		{"FORK.md of another module", func(t *testing.T, dir string) {
			files := testForkFiles(testCommit)
			writeFiles(t, dir, map[string]string{"go.mod": "module example.com/other\n"})
			writeFiles(t, dir, map[string]string{forkNoteName: files[forkNoteName]})
			regenerateManifest(t, dir)
		}, []string{"names upstream example.com/up", "example.com/other"}},
		{"no manifest", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, manifestName)) }, []string{"manifest", "make fork"}},
		{"file changed", func(t *testing.T, dir string) {
			writeFiles(t, dir, map[string]string{"up.go": "package up\n"})
		}, []string{"up.go was changed", "_overlay/"}},
		{"file added", func(t *testing.T, dir string) {
			writeFiles(t, dir, map[string]string{"extra.go": "package up\n"})
		}, []string{"extra.go was added"}},
		{"file removed", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "sub", "sub.go")) }, []string{"sub/sub.go was removed"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeFork(t, testForkFiles(testCommit))
			tc.change(t, dir)
			_, err := readFork(dir)
			if err == nil {
				t.Fatal("readFork accepted it")
			}
			mustContain(t, "the error", err.Error(), tc.want...)
		})
	}
}
