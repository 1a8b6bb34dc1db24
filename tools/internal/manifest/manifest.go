// Package manifest reads the .fork-manifest that tools/assemble writes into
// the assembled fork: the sha256 of every file it generated, one
// "sha256  path" line each. tools/assemble checks it before overwriting its
// output, tools/dist before publishing it.
package manifest

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"
)

// Name is the manifest's file name at the root of the assembled fork.
const Name = ".fork-manifest"

// Read parses a manifest into path -> sha256. '#' starts a comment line. An
// error opening the file is returned as is, so that callers can tell a
// missing manifest (os.IsNotExist) from a malformed one.
func Read(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sums := make(map[string]string)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		sum, p, ok := strings.Cut(line, "  ")
		if !ok || sum == "" || p == "" {
			return nil, fmt.Errorf("%s: malformed line %q", path, line)
		}
		sums[p] = sum
	}
	return sums, sc.Err()
}

// FileSHA256 is the hex sha256 of the file's content.
func FileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
