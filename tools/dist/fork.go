package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"golang.org/x/mod/modfile"

	"sarama-zstd.example/tools/internal/manifest"
)

// The files tools/assemble writes into the fork, besides upstream's and
// the overlay's: what the tree was made from, and the sha256 of every file
// as generated.
const (
	forkNoteName = "FORK.md"
	manifestName = manifest.Name
)

// Fork is what dist needs to know about an assembled fork.
type Fork struct {
	Dir        string
	ModulePath string // the path its go.mod declares, upstream's: github.com/IBM/sarama
	Upstream   string // upstream's version it was assembled from, v1.61.1
	Commit     string // the sarama-zstd commit it was assembled from, as FORK.md gives it
}

// commitID matches a full git commit id, SHA-1 or SHA-256.
var commitID = regexp.MustCompile(`^[0-9a-f]{40}([0-9a-f]{24})?$`)

// Dirty reports whether the fork cannot be traced to a commit: it was
// assembled from a work tree with uncommitted changes ("<id>-dirty" in
// FORK.md), or outside a git work tree.
func (f Fork) Dirty() bool { return !commitID.MatchString(f.Commit) }

// BaseCommit is the commit the fork was assembled from, without the
// "-dirty" mark, or "" when FORK.md names none.
func (f Fork) BaseCommit() string {
	if c := strings.TrimSuffix(f.Commit, "-dirty"); commitID.MatchString(c) {
		return c
	}
	return ""
}

// The lines of FORK.md that name the upstream module version and the
// sarama-zstd commit (tools/assemble/forkmd.go writes them).
var (
	upstreamLine = regexp.MustCompile("(?m)^- Upstream: `([^`@]+)@([^`]+)`")
	commitLine   = regexp.MustCompile("(?m)^- sarama-zstd commit: `([^`]+)`")
)

// readFork reads the fork in dir and checks that it is one tools/assemble
// generated and nobody edited since: a published module must be what the
// recorded commit of this repository makes.
func readFork(dir string) (Fork, error) {
	again := "run make fork"
	gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return Fork{}, fmt.Errorf("no assembled fork in %s (%v): %s first", dir, err, again)
	}
	f := Fork{Dir: dir, ModulePath: modfile.ModulePath(gomod)}
	if f.ModulePath == "" {
		return Fork{}, fmt.Errorf("%s has no module line", filepath.Join(dir, "go.mod"))
	}
	note, err := os.ReadFile(filepath.Join(dir, forkNoteName))
	if err != nil {
		return Fork{}, fmt.Errorf("%s has no %s, so it was not assembled by tools/assemble: %s", dir, forkNoteName, again)
	}
	up := upstreamLine.FindSubmatch(note)
	commit := commitLine.FindSubmatch(note)
	if up == nil || commit == nil {
		return Fork{}, fmt.Errorf("%s does not name the upstream version and the sarama-zstd commit: %s", filepath.Join(dir, forkNoteName), again)
	}
	if string(up[1]) != f.ModulePath {
		return Fork{}, fmt.Errorf("%s names upstream %s but go.mod declares %s: %s", filepath.Join(dir, forkNoteName), up[1], f.ModulePath, again)
	}
	f.Upstream, f.Commit = string(up[2]), string(commit[1])
	if err := checkManifest(dir); err != nil {
		return Fork{}, err
	}
	return f, nil
}

// checkManifest compares the files under dir with the sha256 sums
// .fork-manifest recorded when the tree was generated.
func checkManifest(dir string) error {
	advice := fmt.Sprintf("publish only what make fork generates: move your changes into _overlay/ or tools/assemble/edits.go and run make fork (its -force discards edits in %s)", dir)
	want, err := readManifest(filepath.Join(dir, manifestName))
	if err != nil {
		return fmt.Errorf("%v: %s", err, advice)
	}
	got := make(map[string]string)
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		if rel = filepath.ToSlash(rel); rel == manifestName {
			return nil
		}
		got[rel], err = fileSHA256(path)
		return err
	})
	if err != nil {
		return err
	}
	var diffs []string
	for p, sum := range got {
		switch w, ok := want[p]; {
		case !ok:
			diffs = append(diffs, p+" was added")
		case w != sum:
			diffs = append(diffs, p+" was changed")
		}
	}
	for p := range want {
		if _, ok := got[p]; !ok {
			diffs = append(diffs, p+" was removed")
		}
	}
	if len(diffs) > 0 {
		sort.Strings(diffs)
		more := ""
		if len(diffs) > 3 {
			more = fmt.Sprintf(" and %d more", len(diffs)-3)
			diffs = diffs[:3]
		}
		return fmt.Errorf("%s differs from what make fork generated (%s%s): %s", dir, strings.Join(diffs, ", "), more, advice)
	}
	return nil
}

// readManifest reads the fork's manifest (tools/internal/manifest).
func readManifest(path string) (map[string]string, error) {
	sums, err := manifest.Read(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the fork's manifest: %v", err)
	}
	return sums, nil
}

func fileSHA256(path string) (string, error) { return manifest.FileSHA256(path) }
