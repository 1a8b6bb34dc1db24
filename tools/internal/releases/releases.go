// Package releases reads upstream.pin: the upstream releases the fork is
// built for, each pinned by the go.sum "h1:" hash of its module tree. The
// newest is the default of make, make fork, make test and the README;
// tools/assemble builds any of them, tools/dist publishes them, and
// tools/upgrade adds a new one.
package releases

import (
	"fmt"
	"os"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// Release is one supported upstream release.
type Release struct {
	Module  string // github.com/IBM/sarama
	Version string // v1.62.0
	Hash    string // the go.sum "h1:" hash of the module tree
}

// ModVersion is the module@version form the go command and error messages use.
func (r Release) ModVersion() string { return r.Module + "@" + r.Version }

// Line is r as upstream.pin writes it.
func (r Release) Line() string { return r.Module + " " + r.Version + " " + r.Hash }

// List is the supported releases of one module, oldest first.
type List []Release

// Read reads the file at path (see Parse).
func Read(path string) (List, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the supported releases: %v", err)
	}
	return Parse(path, data)
}

// Parse reads a pin file: comments (#) and blank lines, and one line
// "module version h1:hash" a release, all of one module, in ascending
// version order without duplicates, so that the file reads as the history
// it is and the last line is the default.
func Parse(name string, data []byte) (List, error) {
	var l List
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 || !strings.HasPrefix(f[2], "h1:") {
			return nil, fmt.Errorf("%s:%d: want \"module version h1:hash\", found %q", name, i+1, line)
		}
		r := Release{Module: f[0], Version: f[1], Hash: f[2]}
		if err := module.Check(r.Module, r.Version); err != nil || semver.Prerelease(r.Version) != "" || semver.Build(r.Version) != "" || semver.Canonical(r.Version) != r.Version {
			return nil, fmt.Errorf("%s:%d: %s is not a release of a module (vMAJOR.MINOR.PATCH)", name, i+1, r.ModVersion())
		}
		if n := len(l); n > 0 {
			prev := l[n-1]
			if r.Module != prev.Module {
				return nil, fmt.Errorf("%s:%d: module %s, but the lines before name %s: one module a file", name, i+1, r.Module, prev.Module)
			}
			if semver.Compare(r.Version, prev.Version) <= 0 {
				return nil, fmt.Errorf("%s:%d: %s after %s: list each release once, oldest first", name, i+1, r.Version, prev.Version)
			}
		}
		l = append(l, r)
	}
	if len(l) == 0 {
		return nil, fmt.Errorf("%s lists no release: want lines \"module version h1:hash\"", name)
	}
	return l, nil
}

// Newest is the default release: the last, highest one.
func (l List) Newest() Release { return l[len(l)-1] }

// Versions are the versions of l, oldest first.
func (l List) Versions() []string {
	v := make([]string, len(l))
	for i, r := range l {
		v[i] = r.Version
	}
	return v
}

// Find returns the release of version, or "" for the newest. An unknown
// version is an error that lists the supported ones.
func (l List) Find(version string) (Release, error) {
	if version == "" {
		return l.Newest(), nil
	}
	for _, r := range l {
		if r.Version == version {
			return r, nil
		}
	}
	how := "make upgrade UPSTREAM=" + version + " adds a newer release"
	if semver.Compare(version, l.Newest().Version) < 0 {
		how = "an older release is added by hand (docs/assembly.md, \"Supported releases\")"
	}
	return Release{}, fmt.Errorf("%s %s is not a supported release (upstream.pin lists %s); %s",
		l.Newest().Module, version, strings.Join(l.Versions(), ", "), how)
}

// Add returns the pin file data with r's line added in version order,
// comments and other lines kept as they are. A release listed already with
// the same hash leaves data unchanged; with another hash it is an error.
func Add(name string, data []byte, r Release) ([]byte, error) {
	l, err := Parse(name, data)
	if err != nil {
		return nil, err
	}
	if r.Module != l.Newest().Module {
		return nil, fmt.Errorf("%s lists %s, not %s", name, l.Newest().Module, r.Module)
	}
	for _, have := range l {
		if have.Version == r.Version {
			if have.Hash != r.Hash {
				return nil, fmt.Errorf("%s pins %s to %s, but the go command gives %s: the module cache or the pin is wrong", name, r.ModVersion(), have.Hash, r.Hash)
			}
			return data, nil
		}
	}
	lines := strings.SplitAfter(string(data), "\n")
	if last := lines[len(lines)-1]; last == "" {
		lines = lines[:len(lines)-1]
	} else {
		lines[len(lines)-1] = last + "\n"
	}
	// Insert before the first release line of a higher version, else at the end.
	at := len(lines)
	for i, line := range lines {
		f := strings.Fields(line)
		if len(f) == 3 && !strings.HasPrefix(f[0], "#") && semver.Compare(f[1], r.Version) > 0 {
			at = i
			break
		}
	}
	out := append(append(append([]string{}, lines[:at]...), r.Line()+"\n"), lines[at:]...)
	return []byte(strings.Join(out, "")), nil
}
