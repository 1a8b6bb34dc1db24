// Command dist publishes the assembled fork (build/sarama, made by make
// fork) as a module in the layout of a Go module proxy, so that other
// modules can use it through GOPROXY like any module, pinned by go.sum,
// instead of a replace pointing at a directory of this repository.
//
// Run it from the repository root, after make fork:
//
//	go run ./tools/dist -module example.com/acme/sarama-zstd -version v1.62.0-zstd.1
//
// (make dist MODULE=... VERSION=... does both; UPSTREAM=v1.60.0 makes and
// publishes the fork of another supported release). With -all it publishes
// the fork of every release of upstream.pin, each assembled into
// build/forks/<release> (go run ./tools/assemble -all), as
// <release>-zstd.<-revision> (make dist MODULE=... ALL=1 REVISION=1). It
// writes, under -out,
//
//	<module>/@v/<version>.mod    the fork's go.mod
//	<module>/@v/<version>.zip    the module zip (golang.org/x/mod/zip)
//	<module>/@v/<version>.info   {"Version", "Time"}
//	<module>/@v/list             every version published there, one a line
//
// with module and version escaped as the proxy protocol requires
// (golang.org/x/mod/module.EscapePath and EscapeVersion), and prints the
// replace line, the environment and the go.sum lines a consumer gets.
//
// The fork keeps its go.mod, which declares the upstream module path
// (github.com/IBM/sarama): the go command accepts that for a replacement,
// so the consumer keeps requiring upstream and replaces it with the module
// published here. -module must therefore differ from the upstream path, and
// both must be what the go command accepts: a valid module path whose major
// version suffix matches the version, and a canonical semantic version that
// is neither +incompatible nor a pseudo-version. The version must follow
// the scheme of docs/adopting.md, v<upstream>-zstd.<n>, with the upstream
// release the fork is made from: a consumer reads it in go list -m and its
// CI checks it against the release the build selects.
//
// A proxy must never serve two contents under one version: go.sum files
// that recorded the first would fail to verify the second. Publishing a
// version again is therefore a no-op when the content (the go.sum hashes of
// the zip and the go.mod) is the same, and refused when it differs, unless
// -overwrite is given. Other versions in -out are kept, and list gains the
// new one.
//
// The .info Time is the commit time of the sarama-zstd commit recorded in
// the fork's FORK.md, so that publishing a commit twice gives the same
// files; -time sets it instead. A fork assembled from a work tree with
// uncommitted changes cannot be traced to a commit and is refused unless
// -allow-dirty is given. A fork edited since make fork generated it (its
// .fork-manifest tells) is refused.
//
// Flags:
//
//	-module path            module path to publish under (required)
//	-version v              version to publish, e.g. v1.62.0-zstd.1 (required without -all)
//	-upstream v1.62.0       the fork's upstream release, checked (default: the fork's)
//	-all                    publish the forks of every release of -pin from -forks
//	-revision n             the n of -all's versions <release>-zstd.<n> (required with -all)
//	-pin upstream.pin       the supported releases
//	-forks build/forks      the assembled forks of -all, one directory a release
//	-check-args             check the arguments against -pin and publish nothing
//	-fork build/sarama      the assembled fork
//	-out build/dist         the proxy directory, created if needed
//	-time RFC3339           the .info Time instead of the commit time
//	-allow-dirty            publish a fork assembled from uncommitted changes
//	-overwrite              replace a version already in -out with other content
//
// Errors are one line, "dist: <message>", with a non-zero exit; a missing
// flag exits 2 with the usage.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/module"

	"sarama-zstd.example/tools/internal/releases"
)

func main() {
	err := run(os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case errors.Is(err, errUsage):
		os.Exit(2)
	case err != nil:
		fmt.Fprintf(os.Stderr, "dist: %s\n", oneLine(err.Error()))
		os.Exit(1)
	}
}

// errUsage reports flags that were missing or wrong; the usage has been
// printed already.
var errUsage = errors.New("usage")

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("dist", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: go run ./tools/dist -module <module path> -version <version> [flags]")
		fmt.Fprintln(stderr, "   or: go run ./tools/dist -module <module path> -all -revision <n> [flags]")
		fmt.Fprintln(stderr, "   or: make dist MODULE=<module path> [UPSTREAM=<release>] VERSION=<release>-zstd.<n>")
		fmt.Fprintln(stderr, "   or: make dist MODULE=<module path> ALL=1 REVISION=<n>")
		fmt.Fprintln(stderr, "e.g.: make dist MODULE=example.com/acme/sarama-zstd VERSION=v1.62.0-zstd.1")
		fmt.Fprintln(stderr, "flags:")
		fs.PrintDefaults()
	}
	modPath := fs.String("module", "", "module path to publish the fork under, e.g. example.com/acme/sarama-zstd (required)")
	version := fs.String("version", "", "version to publish, v<upstream>-zstd.<n>, e.g. v1.62.0-zstd.1 (required without -all)")
	upstream := fs.String("upstream", "", "the upstream release the fork is made from; -version must name it (default: the fork's, which make dist assembles from the newest supported release)")
	all := fs.Bool("all", false, "publish the fork of every release of -pin, assembled into -forks/<release>, as <release>-zstd.<-revision>")
	revision := fs.Int("revision", 0, "the fork's revision n of -all's versions <release>-zstd.<n> (required with -all)")
	pin := fs.String("pin", "upstream.pin", "the supported upstream releases (-all, -check-args)")
	forks := fs.String("forks", "build/forks", "the assembled forks of -all, one directory a release")
	checkArgs := fs.Bool("check-args", false, "check the module path, the version and the release against -pin, and publish nothing (make dist runs it before assembling)")
	fork := fs.String("fork", "build/sarama", "the assembled fork (make fork)")
	out := fs.String("out", "build/dist", "the module proxy directory to write into")
	timeFlag := fs.String("time", "", "the .info Time, RFC 3339 (default: the commit time of the fork's sarama-zstd commit)")
	allowDirty := fs.Bool("allow-dirty", false, "publish a fork assembled from a work tree with uncommitted changes")
	overwrite := fs.Bool("overwrite", false, "replace a version already in -out whose content differs (breaks every go.sum that recorded it)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	usage := func(format string, a ...any) error {
		fmt.Fprintf(stderr, "dist: "+format+"\n", a...)
		fs.Usage()
		return errUsage
	}
	switch {
	case fs.NArg() > 0:
		return usage("unexpected arguments %q", fs.Args())
	case *modPath == "" || (*version == "" && !*all):
		return usage("-module and -version (or -all and -revision) are required: there is no default, the module path is yours and each version is published once")
	case *all && (*version != "" || *upstream != ""):
		return usage("-all publishes every supported release as <release>-zstd.<-revision>: -version and -upstream do not apply")
	case *all && *revision < 1:
		return usage("-all needs -revision, the fork's revision n of the versions <release>-zstd.<n> (1 for the first)")
	case !*all && *revision != 0:
		return usage("-revision applies to -all; give -version")
	}
	var t time.Time
	if *timeFlag != "" {
		var err error
		if t, err = time.Parse(time.RFC3339, *timeFlag); err != nil {
			return fmt.Errorf("-time %q is not an RFC 3339 time such as 2025-06-01T12:00:00Z", *timeFlag)
		}
	}
	if *checkArgs {
		return checkArguments(*pin, *modPath, *version, *upstream, *all, *revision)
	}
	o := Options{
		Fork:       *fork,
		Out:        *out,
		Target:     module.Version{Path: *modPath, Version: *version},
		Time:       t,
		GitDir:     ".",
		AllowDirty: *allowDirty,
		Overwrite:  *overwrite,
	}
	fallback, err := goEnv("GOPROXY")
	if err != nil {
		return err
	}
	if !*all {
		if *upstream != "" {
			f, err := readFork(o.Fork)
			if err != nil {
				return err
			}
			if f.Upstream != *upstream {
				return fmt.Errorf("%s is the fork of upstream %s, not of %s: assemble it with make fork UPSTREAM=%s (make dist UPSTREAM=%s does)", o.Fork, f.Upstream, *upstream, *upstream, *upstream)
			}
		}
		res, err := publish(o)
		if err != nil {
			return err
		}
		return writeInstructions(stdout, res, fallback)
	}
	rels, err := releases.Read(*pin)
	if err != nil {
		return err
	}
	var results []Result
	for _, r := range rels {
		o := o
		o.Fork = filepath.Join(*forks, r.Version)
		o.Target.Version = releases.VersionFor(r.Version, *revision)
		res, err := publish(o)
		if err != nil {
			return fmt.Errorf("%s: %v (the versions before it are published)", o.Target.Version, err)
		}
		results = append(results, res)
	}
	return writeAllInstructions(stdout, results, fallback)
}

// checkArguments checks what make dist was given before it assembles
// anything: the module path and version as publish would (checkTarget,
// releases.CheckVersion), against a release of pin: upstream, or the
// newest when upstream is "".
func checkArguments(pin, modPath, version, upstream string, all bool, revision int) error {
	rels, err := releases.Read(pin)
	if err != nil {
		return err
	}
	if all {
		return checkTarget(module.Version{Path: modPath, Version: releases.VersionFor(rels.Newest().Version, revision)}, rels.Newest().Module)
	}
	r, err := rels.Find(upstream)
	if err != nil {
		return err
	}
	if err := checkTarget(module.Version{Path: modPath, Version: version}, r.Module); err != nil {
		return err
	}
	if err := releases.CheckVersion(version, r.Version); err != nil {
		if named := releases.UpstreamOf(version); upstream == "" && named != "" {
			return fmt.Errorf("%v; without UPSTREAM, make dist publishes the fork of the newest supported release, %s", err, r.Version)
		}
		return err
	}
	return nil
}

// goEnv is the value of a go command setting, as the go command sees it.
func goEnv(name string) (string, error) {
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		return "", fmt.Errorf("go env %s: %v", name, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// oneLine joins a multi-line message so that every error is one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}
