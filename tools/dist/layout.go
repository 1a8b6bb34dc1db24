package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// versionFiles are the files of one module version in a module proxy
// directory, as the GOPROXY protocol names them
// (https://go.dev/ref/mod#goproxy-protocol): module path and version are
// escaped, each upper-case letter becoming '!' and its lower case, so that
// the layout survives case-insensitive file systems.
type versionFiles struct {
	Dir  string // <root>/<escaped module>/@v
	Info string // <version>.info: {"Version", "Time"}
	Mod  string // <version>.mod: the go.mod
	Zip  string // <version>.zip: the module zip
	List string // list: the module's versions, one a line
}

// layout returns where m's files go under the proxy directory root.
func layout(root string, m module.Version) (versionFiles, error) {
	p, err := module.EscapePath(m.Path)
	if err != nil {
		return versionFiles{}, err
	}
	v, err := module.EscapeVersion(m.Version)
	if err != nil {
		return versionFiles{}, err
	}
	dir := filepath.Join(root, filepath.FromSlash(p), "@v")
	return versionFiles{
		Dir:  dir,
		Info: filepath.Join(dir, v+".info"),
		Mod:  filepath.Join(dir, v+".mod"),
		Zip:  filepath.Join(dir, v+".zip"),
		List: filepath.Join(dir, "list"),
	}, nil
}

// mergeList returns the content of a list file that holds the versions of
// old plus version: each once, one a line, in semantic version order (the
// go command sorts them itself, people reading the file do not). A line of
// old that is not a semantic version is an error: the file is not one this
// tool, or a proxy, wrote.
func mergeList(old []byte, version string) ([]byte, error) {
	versions := []string{version}
	for i, line := range strings.Split(string(old), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if !semver.IsValid(line) {
			return nil, fmt.Errorf("line %d of the list file, %q, is not a version", i+1, line)
		}
		versions = append(versions, line)
	}
	semver.Sort(versions)
	versions = slices.Compact(versions)
	var b bytes.Buffer
	for _, v := range versions {
		b.WriteString(v + "\n")
	}
	return b.Bytes(), nil
}

// writeFileAtomic replaces path with data in one rename, so that a proxy
// serving the directory never serves a half-written file.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = renameInto(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// renameInto makes the finished temporary file tmp readable by all, as the
// files a proxy serves are (CreateTemp makes it private), and renames it to
// path.
func renameInto(tmp, path string) error {
	if err := os.Chmod(tmp, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
