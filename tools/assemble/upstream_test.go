package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/dirhash"
)

func TestVerify(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, testTree())
	u := Upstream{Module: testModule, Version: "v1.2.3", Dir: dir}
	var err error
	if u.Hash, err = dirhash.HashDir(dir, u.ModVersion(), dirhash.Hash1); err != nil {
		t.Fatal(err)
	}
	if err := verify(u); err != nil {
		t.Fatalf("verify of the pinned tree: %v", err)
	}
	writeTree(t, dir, map[string]string{"config.go": testConfigSrc + "// tampered\n"})
	err = verify(u)
	if !errors.Is(err, errHashMismatch) {
		t.Fatalf("verify of a changed tree: %v", err)
	}
	for _, want := range []string{"example.com/up@v1.2.3", "module cache may be corrupted", "go clean -modcache", "pin is wrong"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	// The hash covers the module path and version too.
	os.WriteFile(filepath.Join(dir, "config.go"), []byte(testConfigSrc), 0o644)
	u.Version = "v1.2.4"
	if err := verify(u); !errors.Is(err, errHashMismatch) {
		t.Errorf("verify under another version: %v", err)
	}
}

func TestDownloadError(t *testing.T) {
	u := Upstream{Module: "github.com/IBM/sarama", Version: "v9.9.9"}
	err := downloadError(u, "github.com/IBM/sarama@v9.9.9: reading https://proxy.golang.org/github.com/!i!b!m/sarama/@v/v9.9.9.info: 404 Not Found\n\tserver response: not found")
	if err == nil || !strings.Contains(err.Error(), "404 Not Found") || !strings.Contains(err.Error(), "upstream.pin") || strings.Contains(err.Error(), "\n") {
		t.Errorf("unknown version: %v", err)
	}
	err = downloadError(u, "github.com/IBM/sarama@v1.61.1: Get \"https://proxy.golang.org/...\": dial tcp: lookup proxy.golang.org: no such host")
	if err == nil || !strings.Contains(err.Error(), "cannot reach the module proxy") || !strings.Contains(err.Error(), "GOPROXY") {
		t.Errorf("unreachable proxy: %v", err)
	}
}

// TestDownloadUnknownVersion asks the go command for a version that cannot
// exist, with the network off, and expects its error passed on in one line.
func TestDownloadUnknownVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	t.Setenv("GOPROXY", "off")
	t.Setenv("GOFLAGS", "-mod=mod")
	_, err := download(Upstream{Module: "example.com/does-not-exist", Version: "v0.0.1", Hash: "h1:x"})
	if err == nil || !strings.Contains(err.Error(), "example.com/does-not-exist@v0.0.1") || strings.Contains(err.Error(), "\n") {
		t.Errorf("err = %v", err)
	}
}
