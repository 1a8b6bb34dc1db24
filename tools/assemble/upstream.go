package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"golang.org/x/mod/sumdb/dirhash"

	"sarama-zstd.example/tools/internal/releases"
)

// Upstream is the pinned upstream module and, once downloaded and verified,
// the directory holding its tree.
type Upstream struct {
	Module  string // github.com/IBM/sarama
	Version string // v1.61.1
	Hash    string // the go.sum "h1:" hash of the module tree
	Dir     string // the verified tree; read-only in the module cache
}

// ModVersion is the module@version form the go command and error messages use.
func (u Upstream) ModVersion() string { return u.Module + "@" + u.Version }

// upstreamOf is the release r of upstream.pin, to be downloaded.
func upstreamOf(r releases.Release) Upstream {
	return Upstream{Module: r.Module, Version: r.Version, Hash: r.Hash}
}

// download fetches u through the go command, so GOPROXY, GOFLAGS,
// GONOSUMDB and the checksum database apply as for any build, and returns u
// with Dir set to the module cache's copy of the tree, verified against the
// pin. It runs outside any module so that no go.mod or go.sum is touched.
func download(u Upstream) (Upstream, error) {
	tmp, err := os.MkdirTemp("", "assemble-download-")
	if err != nil {
		return u, err
	}
	defer os.RemoveAll(tmp)
	cmd := exec.Command("go", "mod", "download", "-json", u.ModVersion())
	cmd.Dir = tmp
	cmd.Env = append(os.Environ(), "GOWORK=off", "GO111MODULE=on")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, runErr := cmd.Output()
	var info struct {
		Dir   string
		Sum   string
		Error string
	}
	if jsonErr := json.Unmarshal(out, &info); jsonErr != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" && runErr != nil {
			msg = runErr.Error()
		}
		return u, fmt.Errorf("go mod download %s failed: %s", u.ModVersion(), oneLine(msg))
	}
	if info.Error != "" {
		return u, downloadError(u, info.Error)
	}
	if info.Dir == "" {
		return u, fmt.Errorf("go mod download %s reported no directory", u.ModVersion())
	}
	u.Dir = info.Dir
	if info.Sum != "" && info.Sum != u.Hash {
		return u, fmt.Errorf("%s has hash %s according to the go command and the checksum database, but the pin says %s: the pin is wrong", u.ModVersion(), info.Sum, u.Hash)
	}
	return u, verify(u)
}

// downloadError turns the go command's error into advice: an unreachable
// proxy is a setup problem, anything else most likely a wrong version.
func downloadError(u Upstream, msg string) error {
	msg = oneLine(msg)
	if strings.Contains(msg, "disabled by GOPROXY=off") {
		return fmt.Errorf("cannot download %s: module downloads are off (GOPROXY=off) and it is not in the module cache: %s; set GOPROXY, e.g. GOPROXY=https://proxy.golang.org,direct", u.ModVersion(), msg)
	}
	for _, s := range []string{"dial tcp", "no such host", "connection refused", "i/o timeout", "network is unreachable", "TLS handshake timeout", "proxyconnect"} {
		if strings.Contains(msg, s) {
			proxy, _ := exec.Command("go", "env", "GOPROXY").Output()
			return fmt.Errorf("cannot reach the module proxy (GOPROXY=%s) to download %s: %s; check the network or set GOPROXY (and GOFLAGS=-mod=mod if vendoring is on)",
				strings.TrimSpace(string(proxy)), u.ModVersion(), msg)
		}
	}
	return fmt.Errorf("go mod download %s: %s (is the version in upstream.pin right?)", u.ModVersion(), msg)
}

// errHashMismatch marks a tree whose content is not the pinned one.
var errHashMismatch = errors.New("hash mismatch")

// verify checks u.Dir against the pinned hash before anything reads it: the
// module cache is only a cache, and the pin is what the fork is built from.
func verify(u Upstream) error {
	got, err := dirhash.HashDir(u.Dir, u.ModVersion(), dirhash.Hash1)
	if err != nil {
		return fmt.Errorf("cannot hash %s: %v", u.Dir, err)
	}
	if got != u.Hash {
		return fmt.Errorf("%w: %s in %s hashes to %s but the pin says %s: the module cache may be corrupted (run go clean -modcache, then retry), or the pin is wrong",
			errHashMismatch, u.ModVersion(), u.Dir, got, u.Hash)
	}
	return nil
}

// oneLine joins a multi-line message so errors stay on one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
