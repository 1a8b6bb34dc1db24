package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"sarama-zstd.example/tools/internal/manifest"
)

// manifestName is the file in the output that lists the sha256 of every
// file the assembly generated (see tools/internal/manifest).
const manifestName = manifest.Name

// writeManifest records the sha256 of every file under dir.
func writeManifest(dir string) error {
	sums, err := treeSums(dir)
	if err != nil {
		return err
	}
	paths := make([]string, 0, len(sums))
	for p := range sums {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var b strings.Builder
	b.WriteString("# sha256 of each file as tools/assemble generated it; a difference means hand edits.\n")
	for _, p := range paths {
		fmt.Fprintf(&b, "%s  %s\n", sums[p], p)
	}
	return os.WriteFile(filepath.Join(dir, manifestName), []byte(b.String()), 0o644)
}

// treeSums maps the path of every file under dir but the manifest to its sha256.
func treeSums(dir string) (map[string]string, error) {
	files, err := listFiles(dir, func(rel string) bool { return rel == manifestName })
	if err != nil {
		return nil, err
	}
	sums := make(map[string]string, len(files))
	for _, f := range files {
		if sums[f], err = fileSHA256(filepath.Join(dir, filepath.FromSlash(f))); err != nil {
			return nil, err
		}
	}
	return sums, nil
}

// checkUntouched refuses to let the run replace out if it holds work: a
// file changed, added or removed since it was generated, or a non-empty
// directory that was not generated at all. A missing or empty out is free.
func checkUntouched(out string) error {
	entries, err := os.ReadDir(out)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cannot read %s: %v", out, err)
	}
	if len(entries) == 0 {
		return nil
	}
	advice := fmt.Sprintf("move your work out of %s, or rerun with -force to discard it", out)
	want, err := readManifest(filepath.Join(out, manifestName))
	if os.IsNotExist(err) {
		return fmt.Errorf("%s is not empty and has no %s, so it may be someone's work: %s", out, manifestName, advice)
	}
	if err != nil {
		return err
	}
	got, err := treeSums(out)
	if err != nil {
		return err
	}
	all := make([]string, 0, len(want)+len(got))
	for p := range want {
		all = append(all, p)
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			all = append(all, p)
		}
	}
	sort.Strings(all)
	for _, p := range all {
		w, inWant := want[p]
		g, inGot := got[p]
		switch {
		case !inGot:
			return fmt.Errorf("%s was removed from %s since it was generated: %s", p, out, advice)
		case !inWant:
			return fmt.Errorf("%s was added to %s since it was generated: %s", p, out, advice)
		case w != g:
			return fmt.Errorf("%s was changed in %s since it was generated: %s", p, out, advice)
		}
	}
	return nil
}

func readManifest(path string) (map[string]string, error) {
	sums, err := manifest.Read(path)
	if err != nil && !os.IsNotExist(err) {
		return nil, fmt.Errorf("%v (rerun with -force to regenerate)", err)
	}
	return sums, err
}
