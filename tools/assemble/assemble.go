package main

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
)

// Options is everything one assembly needs. It holds no network step:
// Upstream.Dir is an already verified tree, so the whole assembly can be
// exercised on small trees in tests.
type Options struct {
	Upstream     Upstream // with Dir set
	OverlayDir   string
	Edits        []Edit
	Replacements []Replacement
	Out          string // the output directory, replaced as a whole
	Force        bool   // discard hand edits in Out
	Commit       string // this repository's commit, recorded in FORK.md
	// Check vets the finished tree before it is put in place; written are
	// the files the assembly wrote or edited (slash paths), the ones whose
	// form is this project's. nil skips it.
	Check func(dir string, written []string) error
}

// assemble builds the fork in a directory beside o.Out and, when every step
// and check has passed, puts it in place of o.Out. On failure o.Out is as it
// was and the temporary directory is gone. It returns the overlay files laid.
func assemble(o Options) ([]string, error) {
	if !o.Force {
		if err := checkUntouched(o.Out); err != nil {
			return nil, err
		}
	}
	tmp, err := tempDirBeside(o.Out)
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp) // a no-op once tmp has been renamed into place

	if err := copyTree(o.Upstream.Dir, tmp); err != nil {
		return nil, fmt.Errorf("copying %s: %v", o.Upstream.ModVersion(), err)
	}
	overlay, err := applyOverlay(o.OverlayDir, tmp, o.Replacements, o.Upstream.ModVersion())
	if err != nil {
		return nil, err
	}
	edited, err := applyAllEdits(tmp, o.Edits, overlay, o.Upstream.ModVersion())
	if err != nil {
		return nil, err
	}
	if err := writeForkNote(tmp, o, overlay); err != nil {
		return nil, err
	}
	if o.Check != nil {
		if err := o.Check(tmp, union(overlay, edited)); err != nil {
			return nil, err
		}
	}
	if err := writeManifest(tmp); err != nil {
		return nil, err
	}
	if err := replaceDir(tmp, o.Out); err != nil {
		return nil, fmt.Errorf("putting the fork in place at %s: %v", o.Out, err)
	}
	return overlay, nil
}

// union returns the paths in a or b, sorted, each once.
func union(a, b []string) []string {
	seen := make(map[string]bool, len(a)+len(b))
	var out []string
	for _, p := range append(append([]string{}, a...), b...) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// applyAllEdits applies the edits file by file to the tree dir and returns
// the files it edited. Edits go to upstream files only: an overlay file is
// this project's own and is changed in _overlay/ directly.
func applyAllEdits(dir string, edits []Edit, overlay []string, upstream string) ([]string, error) {
	own := make(map[string]bool, len(overlay))
	for _, f := range overlay {
		own[f] = true
	}
	byFile := make(map[string][]Edit)
	for _, e := range edits {
		if own[e.File] {
			return nil, fmt.Errorf("edit %s targets an overlay file: change the overlay file instead", e)
		}
		if e.File != path.Clean(e.File) || path.IsAbs(e.File) {
			return nil, fmt.Errorf("edit %s: file must be a clean relative path", e)
		}
		byFile[e.File] = append(byFile[e.File], e)
	}
	files := make([]string, 0, len(byFile))
	for f := range byFile {
		files = append(files, f)
	}
	sort.Strings(files)
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f))
		src, err := os.ReadFile(p)
		if os.IsNotExist(err) {
			return nil, &EditError{Edit: byFile[f][0], Upstream: upstream, Err: fmt.Errorf("the file is gone")}
		}
		if err != nil {
			return nil, err
		}
		out, err := applyEdits(f, src, byFile[f], upstream)
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(p, out, 0o644); err != nil {
			return nil, err
		}
	}
	return files, nil
}
