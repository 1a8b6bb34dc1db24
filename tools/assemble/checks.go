package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// checkTree runs gofmt -l on the Go files among written (those the
// assembly wrote or edited) and go vet on the package at the root of the
// assembled tree dir, before it replaces the previous output: a fork that
// does not format or vet cleanly is not worth keeping. Upstream's own files
// are upstream's to format (v1.60.1 has one that gofmt would change). The
// go command's output goes to log; the error is one line.
func checkTree(dir string, written []string, log io.Writer) error {
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return fmt.Errorf("go env GOROOT: %v", err)
	}
	var goFiles []string
	for _, f := range written {
		if strings.HasSuffix(f, ".go") {
			goFiles = append(goFiles, filepath.FromSlash(f))
		}
	}
	if len(goFiles) > 0 {
		gofmt := exec.Command(filepath.Join(strings.TrimSpace(string(goroot)), "bin", "gofmt"), append([]string{"-l"}, goFiles...)...)
		gofmt.Dir = dir
		var out bytes.Buffer
		gofmt.Stdout, gofmt.Stderr = &out, &out
		if err := gofmt.Run(); err != nil || out.Len() > 0 {
			_, _ = log.Write(out.Bytes())
			return fmt.Errorf("gofmt -l lists files the assembly wrote or edited (above) that are not formatted")
		}
	}
	vet := exec.Command("go", "vet", ".")
	vet.Dir = dir
	// The tree is a module of its own; a go.work above it must not apply.
	vet.Env = append(os.Environ(), "GOWORK=off")
	vet.Stdout, vet.Stderr = log, log
	if err := vet.Run(); err != nil {
		return fmt.Errorf("go vet of the assembled tree failed (output above): %v", err)
	}
	return nil
}
