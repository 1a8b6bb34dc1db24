// Command upgrade adds an upstream release to the fork's supported releases
// and makes it the default (make upgrade UPSTREAM=vX.Y.Z runs it, then
// assembles the fork and runs the tests that tell whether the overlay and
// the edits still hold; see "Moving to a new upstream release" in
// docs/assembly.md). Run it from the repository root:
//
//	go run ./tools/upgrade -version v1.63.0
//
// It
//
//  1. asks the go command for the release (go mod download -json, so the
//     checksum database vouches for its h1: hash);
//  2. adds "module version hash" to upstream.pin, in version order;
//  3. moves the root module to it: go get module@version, go mod tidy (the
//     functional tests and the load generator build against it);
//  4. writes README.md's list of supported releases and, in its "Adopting
//     it" section, names the new release where the previous newest was.
//
// The release must be newer than every supported one: an older release is
// added by hand (docs/assembly.md). Run again on the newest supported
// release, it changes nothing and succeeds, so that make upgrade can be
// rerun once the overlay has been adapted.
//
// Errors are one line, "upgrade: <message>", with a non-zero exit.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"

	"golang.org/x/mod/semver"

	"sarama-zstd.example/tools/internal/releases"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "upgrade: %s\n", strings.Join(strings.Fields(err.Error()), " "))
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("upgrade", flag.ContinueOnError)
	fs.SetOutput(stderr)
	version := fs.String("version", "", "the upstream release to move to, e.g. v1.63.0 (required)")
	pin := fs.String("pin", "upstream.pin", "the supported upstream releases")
	readme := fs.String("readme", "README.md", "the README whose list of releases and adoption commands follow the pin")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 || *version == "" {
		return fmt.Errorf("usage: go run ./tools/upgrade -version vX.Y.Z (make upgrade UPSTREAM=vX.Y.Z)")
	}
	return upgrade(Options{Version: *version, Pin: *pin, Readme: *readme, Dir: ".", Log: stdout})
}

// Options is one upgrade.
type Options struct {
	Version string    // the new release
	Pin     string    // upstream.pin
	Readme  string    // README.md
	Dir     string    // the root module's directory
	Log     io.Writer // what was done, a line a step
}

func upgrade(o Options) error {
	data, err := os.ReadFile(o.Pin)
	if err != nil {
		return fmt.Errorf("cannot read the supported releases: %v", err)
	}
	rels, err := releases.Parse(o.Pin, data)
	if err != nil {
		return err
	}
	previous := rels.Newest()
	if !semver.IsValid(o.Version) || semver.Canonical(o.Version) != o.Version || semver.Prerelease(o.Version) != "" {
		return fmt.Errorf("%s is not a release version vX.Y.Z", o.Version)
	}
	if semver.Compare(o.Version, previous.Version) < 0 {
		if _, err := rels.Find(o.Version); err == nil {
			return fmt.Errorf("%s %s is supported already; the newest is %s", previous.Module, o.Version, previous.Version)
		}
		return fmt.Errorf("%s is older than the newest supported release, %s: make upgrade moves forward; to support an older release, add its line to %s by hand (go mod download -json %s@%s gives the Sum) and run make test-matrix",
			o.Version, previous.Version, o.Pin, previous.Module, o.Version)
	}
	r := releases.Release{Module: previous.Module, Version: o.Version}
	if r.Hash, err = moduleSum(r.ModVersion()); err != nil {
		return err
	}
	updated, err := releases.Add(o.Pin, data, r)
	if err != nil {
		return err
	}
	if !bytes.Equal(updated, data) {
		if err := os.WriteFile(o.Pin, updated, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(o.Log, "%s: added %s\n", o.Pin, r.Line())
	} else {
		fmt.Fprintf(o.Log, "%s: lists %s already\n", o.Pin, r.ModVersion())
	}
	if rels, err = releases.Parse(o.Pin, updated); err != nil {
		return err
	}

	for _, args := range [][]string{{"get", r.ModVersion()}, {"mod", "tidy"}} {
		if err := goCommand(o.Dir, args...); err != nil {
			return fmt.Errorf("moving the root module to %s: %v", r.ModVersion(), err)
		}
	}
	fmt.Fprintf(o.Log, "go.mod: requires %s (go get, go mod tidy)\n", r.ModVersion())

	text, err := os.ReadFile(o.Readme)
	if err != nil {
		return err
	}
	newText, err := releases.UpdateReadme(text, rels, previous.Version)
	if err != nil {
		return fmt.Errorf("%s: %v", o.Readme, err)
	}
	if err := os.WriteFile(o.Readme, newText, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(o.Log, "%s: %s\n", o.Readme, releases.ListText(rels))
	return nil
}

// moduleSum is the go.sum h1: hash of module@version as the go command
// gives it: downloaded through GOPROXY and checked against the checksum
// database (GONOSUMDB, GOFLAGS apply). It runs outside any module.
func moduleSum(modVersion string) (string, error) {
	tmp, err := os.MkdirTemp("", "upgrade-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	cmd := exec.Command("go", "mod", "download", "-json", modVersion)
	cmd.Dir = tmp
	cmd.Env = append(os.Environ(), "GOWORK=off", "GO111MODULE=on")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, runErr := cmd.Output()
	var info struct{ Sum, Error string }
	if err := json.Unmarshal(out, &info); err != nil {
		return "", fmt.Errorf("go mod download %s: %v %s", modVersion, runErr, stderr.String())
	}
	if info.Error != "" {
		return "", fmt.Errorf("go mod download %s: %s", modVersion, info.Error)
	}
	if !strings.HasPrefix(info.Sum, "h1:") {
		return "", fmt.Errorf("go mod download %s gave no h1: hash", modVersion)
	}
	return info.Sum, nil
}

// goCommand runs the go command in dir, its output in the error.
func goCommand(dir string, args ...string) error {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return nil
}
