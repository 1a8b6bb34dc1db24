package main

import (
	"os"
	"path/filepath"
)

// tempDirBeside creates an empty directory next to out, on the same file
// system, so that the finished tree can be renamed into place in one step
// and a failed run never leaves out half-written. The name starts with a
// dot so that go's ./... patterns skip it.
func tempDirBeside(out string) (string, error) {
	parent := filepath.Dir(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(out)+".tmp-")
	if err != nil {
		return "", err
	}
	// MkdirTemp makes the directory private; the output is an ordinary tree.
	return tmp, os.Chmod(tmp, 0o755)
}

// replaceDir puts the finished tree tmp at out. The previous out, if any, is
// moved aside first and removed only once tmp is in place; if the final
// rename fails it is moved back.
func replaceDir(tmp, out string) error {
	old := ""
	if _, err := os.Lstat(out); err == nil {
		old = tmp + ".old"
		if err := os.Rename(out, old); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, out); err != nil {
		if old != "" {
			_ = os.Rename(old, out)
		}
		return err
	}
	if old != "" {
		return os.RemoveAll(old)
	}
	return nil
}
