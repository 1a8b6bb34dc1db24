package main

import (
	"fmt"
	"os"
	"path/filepath"
)

// Replacement declares an overlay file that takes the place of an upstream
// file. The sha256 pins the upstream content the overlay file was written
// against: when upstream changes that file, the overlay must be reviewed
// against the change, or the fork would silently drop upstream's fix.
type Replacement struct {
	File           string // slash-separated path inside the module
	UpstreamSHA256 string // hex sha256 of the upstream file replaced
	Why            string // one line, listed in FORK.md
}

// applyOverlay lays the files under overlayDir over the tree dst (a copy of
// upstream) at the same relative paths and returns their paths. An overlay
// file may overwrite an upstream file only as a declared replacement whose
// upstream content is still the one declared.
func applyOverlay(overlayDir, dst string, reps []Replacement, upstream string) ([]string, error) {
	if st, err := os.Stat(overlayDir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("overlay directory %s not found (run from the repository root, or pass -overlay)", overlayDir)
	}
	files, err := listFiles(overlayDir, nil)
	if err != nil {
		return nil, err
	}
	declared := make(map[string]Replacement, len(reps))
	for _, r := range reps {
		declared[r.File] = r
	}
	inOverlay := make(map[string]bool, len(files))
	for _, f := range files {
		inOverlay[f] = true
	}
	for _, r := range reps {
		if !inOverlay[r.File] {
			return nil, fmt.Errorf("replacement %s is declared in tools/assemble/edits.go but %s has no such file: remove the declaration or restore the file",
				r.File, overlayDir)
		}
		if err := checkReplaced(dst, overlayDir, r, upstream); err != nil {
			return nil, err
		}
	}
	for _, f := range files {
		target := filepath.Join(dst, filepath.FromSlash(f))
		if _, ok := declared[f]; !ok {
			if _, err := os.Stat(target); err == nil {
				sum, _ := fileSHA256(target)
				return nil, fmt.Errorf("%s/%s would overwrite upstream %s of %s, which is not declared as a replacement: rename the overlay file, or declare it in tools/assemble/edits.go with the sha256 of upstream's file (%s)",
					overlayDir, f, f, upstream, sum)
			}
		}
		if err := copyFile(filepath.Join(overlayDir, filepath.FromSlash(f)), target); err != nil {
			return nil, err
		}
	}
	return files, nil
}

// checkReplaced confirms that the upstream file r replaces is still the one
// the overlay file was written against.
func checkReplaced(dst, overlayDir string, r Replacement, upstream string) error {
	todo := fmt.Sprintf("review upstream's change to %s, carry it into %s/%s if it applies, then set the new sha256 in tools/assemble/edits.go",
		r.File, overlayDir, r.File)
	sum, err := fileSHA256(filepath.Join(dst, filepath.FromSlash(r.File)))
	if os.IsNotExist(err) {
		return fmt.Errorf("%s, which %s/%s replaces, is gone from %s: %s (or drop the replacement)", r.File, overlayDir, r.File, upstream, todo)
	}
	if err != nil {
		return err
	}
	if sum != r.UpstreamSHA256 {
		return fmt.Errorf("%s changed in %s (sha256 %s, the overlay replaces %s): %s", r.File, upstream, sum, r.UpstreamSHA256, todo)
	}
	return nil
}
