package main

import (
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// commitTime is the committer time of the sarama-zstd commit the fork was
// assembled from, looked up in the git work tree gitDir. It dates the
// published version: the same commit published twice gets the same .info,
// whoever publishes it and whenever.
func commitTime(gitDir string, f Fork) (time.Time, error) {
	c := f.BaseCommit()
	if c == "" {
		return time.Time{}, fmt.Errorf("FORK.md in %s names no commit (%q) to date the version by: pass -time", f.Dir, f.Commit)
	}
	cmd := exec.Command("git", "show", "-s", "--format=%cI", c)
	cmd.Dir = gitDir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return time.Time{}, fmt.Errorf("cannot find the fork's commit %s in the git work tree %s to date the version by (%v: %s): run from the sarama-zstd repository that assembled it, or pass -time", c, gitDir, err, oneLine(string(out)))
	}
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(string(out)))
	if err != nil {
		return time.Time{}, fmt.Errorf("git gave the commit time of %s as %q: %v", c, strings.TrimSpace(string(out)), err)
	}
	return t, nil
}
