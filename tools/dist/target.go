package main

import (
	"fmt"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// checkTarget refuses a module path and version to publish the fork under
// that the go command would reject, or that could not work as the right-hand
// side of a replace of forkPath (the module path the fork's go.mod declares):
//
//   - the path must be a valid module path (module.CheckPath): a dot in the
//     first element, no empty or dot-only elements, no upper-case-only
//     differences that a case-insensitive file system would merge, ...;
//   - it must differ from forkPath: the fork is published under a path of
//     its own and replaces upstream, it is never a version of upstream's
//     path (docs/adopting.md says why);
//   - the version must start with "v", be a semantic version and be
//     canonical (v1.2.3, not v1.2 nor v1.2.3+meta): the go command only
//     serves canonical versions from a proxy;
//   - it must not be +incompatible, which marks a major version without a
//     go.mod, nor a pseudo-version, which names a commit of a repository;
//   - the path's major version suffix must match the version (module.Check):
//     v2 and later need a /vN path.
func checkTarget(m module.Version, forkPath string) error {
	if err := module.CheckPath(m.Path); err != nil {
		return fmt.Errorf("module path %q is not valid: %v", m.Path, err)
	}
	if m.Path == forkPath {
		return fmt.Errorf("module path %q is the fork's own (upstream's) path: publish the fork under a path of yours, e.g. example.com/acme/sarama-zstd, and replace %s with it", m.Path, forkPath)
	}
	v := m.Version
	if !strings.HasPrefix(v, "v") {
		eg := "v1.61.1-zstd.1"
		if semver.IsValid("v" + v) {
			eg = "v" + v
		}
		return fmt.Errorf("version %q must start with \"v\", e.g. %s", v, eg)
	}
	if !semver.IsValid(v) {
		return fmt.Errorf("version %q is not a semantic version vMAJOR.MINOR.PATCH[-PRERELEASE], e.g. v1.61.1-zstd.1", v)
	}
	if strings.HasSuffix(v, "+incompatible") {
		return fmt.Errorf("version %q is +incompatible, which the go command gives only to major versions of modules without a go.mod; the fork has one: drop the suffix", v)
	}
	if b := semver.Build(v); b != "" {
		return fmt.Errorf("version %q has build metadata %q, which the go command does not accept in a module version: name the fork's revision in the pre-release instead, e.g. %s-zstd.1", v, b, semver.Canonical(v))
	}
	if c := module.CanonicalVersion(v); c != v {
		return fmt.Errorf("version %q is not canonical: the go command would call it %q; use that", v, c)
	}
	if module.IsPseudoVersion(v) {
		return fmt.Errorf("version %q is a pseudo-version, which names a commit of a repository; choose a version of your own, e.g. v1.61.1-zstd.1", v)
	}
	if err := module.Check(m.Path, v); err != nil {
		return fmt.Errorf("%v: a module path ends in /vN for major version N >= 2, and has no such suffix at v0 and v1", err)
	}
	return nil
}
