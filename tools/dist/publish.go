package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb/dirhash"
	modzip "golang.org/x/mod/zip"

	"sarama-zstd.example/tools/internal/releases"
)

// Options is one publication: which fork, under which module version, into
// which proxy directory.
type Options struct {
	Fork       string         // the assembled fork, build/sarama
	Out        string         // the module proxy directory, build/dist
	Target     module.Version // module path and version to publish under
	Time       time.Time      // the .info Time; zero: the commit time of the fork's commit
	GitDir     string         // the git work tree that knows the fork's commit
	AllowDirty bool           // publish a fork that names no clean commit
	Overwrite  bool           // replace a version already published with other content
}

// Outcome says what publish did with the version's files.
type Outcome int

const (
	Written     Outcome = iota // the version was new in Out
	Unchanged                  // the version was there with the same content
	Overwritten                // the version was there with other content, replaced (-overwrite)
)

// Result describes a publication.
type Result struct {
	Fork    Fork
	Target  module.Version
	Root    string // the proxy directory, absolute
	Files   versionFiles
	ZipHash string // the go.sum hash of the zip, "h1:..."
	ModHash string // the go.sum hash of the go.mod, "h1:..."
	Outcome Outcome
}

// publish writes o.Fork into o.Out as o.Target. The zip is built into a
// temporary file beside its destination and checked (golang.org/x/mod/zip's
// CheckZip) before anything is compared or replaced; the .mod is the go.mod
// inside that zip, so the two cannot disagree. Files are renamed into place
// one by one, list last, so a version is listed only once its files are
// there.
func publish(o Options) (Result, error) {
	fork, err := readFork(o.Fork)
	if err != nil {
		return Result{}, err
	}
	if err := checkTarget(o.Target, fork.ModulePath); err != nil {
		return Result{}, err
	}
	if err := releases.CheckVersion(o.Target.Version, fork.Upstream); err != nil {
		return Result{}, err
	}
	if fork.Dirty() && !o.AllowDirty {
		return Result{}, fmt.Errorf("the fork in %s was assembled from sarama-zstd %q, not from a clean commit, so the published module could not be traced to its source: commit, run make fork again, or pass -allow-dirty", o.Fork, fork.Commit)
	}
	t := o.Time
	if t.IsZero() {
		if t, err = commitTime(o.GitDir, fork); err != nil {
			return Result{}, err
		}
	}
	files, err := layout(o.Out, o.Target)
	if err != nil {
		return Result{}, err
	}
	if err := os.MkdirAll(files.Dir, 0o755); err != nil {
		return Result{}, err
	}

	tmpZip, err := buildZip(files.Dir, o.Target, fork.Dir)
	if err != nil {
		return Result{}, err
	}
	defer os.Remove(tmpZip) // fails harmlessly once renamed into place
	res := Result{Fork: fork, Target: o.Target, Files: files}
	if res.Root, err = filepath.Abs(o.Out); err != nil {
		return Result{}, err
	}
	gomod, err := zippedGoMod(tmpZip, o.Target)
	if err != nil {
		return Result{}, err
	}
	if res.ZipHash, err = dirhash.HashZip(tmpZip, dirhash.Hash1); err != nil {
		return Result{}, err
	}
	if res.ModHash, err = goModHash(gomod); err != nil {
		return Result{}, err
	}

	present, same, err := compareExisting(files, res)
	if err != nil {
		return Result{}, err
	}
	switch {
	case present && !same && !o.Overwrite:
		return Result{}, fmt.Errorf("%s is already in %s with other content: a proxy must never serve two contents for one version (every go.sum that recorded the first would fail to verify), so publish a new version, e.g. the next -zstd.N; -overwrite replaces it if nobody can have fetched it", o.Target, o.Out)
	case present && same:
		res.Outcome = Unchanged
	case present:
		res.Outcome = Overwritten
	}

	oldList, err := os.ReadFile(files.List)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return Result{}, err
	}
	list, err := mergeList(oldList, o.Target.Version)
	if err != nil {
		return Result{}, fmt.Errorf("%s: %v; it was not written by this tool, so it is left alone", files.List, err)
	}

	// A version published before with this content keeps its files as they
	// are (its .info Time included); only missing ones are written.
	write := func(path string) bool {
		_, err := os.Stat(path)
		return res.Outcome != Unchanged || errors.Is(err, os.ErrNotExist)
	}
	if write(files.Mod) {
		if err := writeFileAtomic(files.Mod, gomod); err != nil {
			return Result{}, err
		}
	}
	if write(files.Zip) {
		if err := renameInto(tmpZip, files.Zip); err != nil {
			return Result{}, err
		}
	}
	if write(files.Info) {
		if err := writeFileAtomic(files.Info, infoJSON(o.Target.Version, t)); err != nil {
			return Result{}, err
		}
	}
	if !bytes.Equal(list, oldList) {
		if err := writeFileAtomic(files.List, list); err != nil {
			return Result{}, err
		}
	}
	return res, nil
}

// buildZip writes the module zip of m from dir into a new temporary file in
// tmpDir, checks it as the go command checks a zip before extracting it,
// and returns the file's name.
func buildZip(tmpDir string, m module.Version, dir string) (string, error) {
	f, err := os.CreateTemp(tmpDir, ".zip.tmp-")
	if err != nil {
		return "", err
	}
	err = modzip.CreateFromDir(f, m, dir)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		if _, cerr := modzip.CheckZip(m, f.Name()); cerr != nil {
			err = fmt.Errorf("the module zip made from %s does not check: %v", dir, cerr)
		}
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// zippedGoMod returns the go.mod at the root of the module zip.
func zippedGoMod(zipFile string, m module.Version) ([]byte, error) {
	z, err := zip.OpenReader(zipFile)
	if err != nil {
		return nil, err
	}
	defer z.Close()
	name := m.Path + "@" + m.Version + "/go.mod"
	for _, f := range z.File {
		if f.Name != name {
			continue
		}
		r, err := f.Open()
		if err != nil {
			return nil, err
		}
		defer r.Close()
		return io.ReadAll(r)
	}
	return nil, fmt.Errorf("the module zip has no %s", name)
}

// goModHash is the hash go.sum records for a go.mod ("<module> <version>/go.mod h1:...").
func goModHash(gomod []byte) (string, error) {
	return dirhash.Hash1([]string{"go.mod"}, func(string) (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(gomod)), nil
	})
}

// compareExisting reports whether the version's .zip or .mod is already in
// the directory and, if so, whether every one present has the content of
// res (the same go.sum hash). The .info is not compared: its Time is no
// part of what go.sum pins.
func compareExisting(files versionFiles, res Result) (present, same bool, err error) {
	same = true
	if _, err := os.Stat(files.Zip); err == nil {
		present = true
		h, err := dirhash.HashZip(files.Zip, dirhash.Hash1)
		if err != nil {
			return true, false, fmt.Errorf("cannot hash the published %s: %v", files.Zip, err)
		}
		same = same && h == res.ZipHash
	} else if !errors.Is(err, os.ErrNotExist) {
		return false, false, err
	}
	if data, err := os.ReadFile(files.Mod); err == nil {
		present = true
		h, err := goModHash(data)
		if err != nil {
			return true, false, err
		}
		same = same && h == res.ModHash
	} else if !errors.Is(err, os.ErrNotExist) {
		return false, false, err
	}
	return present, same, nil
}

// infoJSON is the .info file: the version and its time, in UTC to the second.
func infoJSON(version string, t time.Time) []byte {
	data, _ := json.Marshal(struct {
		Version string
		Time    time.Time
	}{version, t.UTC().Truncate(time.Second)})
	return append(data, '\n')
}
