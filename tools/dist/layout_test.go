package main

import (
	"path/filepath"
	"testing"

	"golang.org/x/mod/module"
)

func TestLayoutEscapesPathAndVersion(t *testing.T) {
	f, err := layout("root", module.Version{Path: "example.com/Acme/Sarama", Version: "v1.61.1-ZSTD.1"})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("root", "example.com", "!acme", "!sarama", "@v")
	want := versionFiles{
		Dir:  dir,
		Info: filepath.Join(dir, "v1.61.1-!z!s!t!d.1.info"),
		Mod:  filepath.Join(dir, "v1.61.1-!z!s!t!d.1.mod"),
		Zip:  filepath.Join(dir, "v1.61.1-!z!s!t!d.1.zip"),
		List: filepath.Join(dir, "list"),
	}
	if f != want {
		t.Errorf("layout = %+v, want %+v", f, want)
	}
}

func TestMergeList(t *testing.T) {
	for _, tc := range []struct {
		old, add, want string
	}{
		{"", "v1.61.1-zstd.1", "v1.61.1-zstd.1\n"},
		{"v1.61.1-zstd.1\n", "v1.61.1-zstd.1", "v1.61.1-zstd.1\n"},
		// Numeric pre-release identifiers sort as numbers; a release after
		// its pre-releases; a missing final newline and blank lines are fine.
		{"v1.61.1-zstd.10\nv1.61.1\n\nv1.61.1-zstd.1", "v1.61.1-zstd.2", "v1.61.1-zstd.1\nv1.61.1-zstd.2\nv1.61.1-zstd.10\nv1.61.1\n"},
		{"v1.62.0-zstd.1\n", "v1.61.1-zstd.3", "v1.61.1-zstd.3\nv1.62.0-zstd.1\n"},
	} {
		got, err := mergeList([]byte(tc.old), tc.add)
		if err != nil {
			t.Errorf("mergeList(%q, %q): %v", tc.old, tc.add, err)
		} else if string(got) != tc.want {
			t.Errorf("mergeList(%q, %q) = %q, want %q", tc.old, tc.add, got, tc.want)
		}
	}
}

func TestMergeListRefusesWhatIsNoVersion(t *testing.T) {
	_, err := mergeList([]byte("v1.61.1-zstd.1\n<html>\n"), "v1.61.1-zstd.2")
	if err == nil {
		t.Fatal("mergeList accepted a line that is no version")
	}
	mustContain(t, "the error", err.Error(), "line 2", "<html>")
}
