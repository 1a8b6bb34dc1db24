package releases

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"time"

	"golang.org/x/mod/semver"
)

// ProxyTimeout bounds the question to the module proxy: make fork asks it
// on every run and must not hang offline.
const ProxyTimeout = 5 * time.Second

// Published asks the go command which releases of modulePath the module
// proxy lists (go list -m -versions, so GOPROXY, GONOPROXY and GOFLAGS
// apply as for any build), within timeout. It runs outside any module. ok
// is false when no answer came: offline, GOPROXY=off, a timeout.
func Published(modulePath string, timeout time.Duration) (versions []string, ok bool) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	dir, err := os.MkdirTemp("", "releases-")
	if err != nil {
		return nil, false
	}
	defer os.RemoveAll(dir)
	cmd := exec.CommandContext(ctx, "go", "list", "-m", "-versions", "-json", modulePath)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GO111MODULE=on", "GIT_TERMINAL_PROMPT=0")
	out, err := cmd.Output()
	if err != nil {
		return nil, false
	}
	var m struct{ Versions []string }
	if err := json.Unmarshal(out, &m); err != nil {
		return nil, false
	}
	return m.Versions, true
}

// NewerThan returns the releases among published that are higher than
// version, ascending; pre-releases do not count.
func NewerThan(published []string, version string) []string {
	var newer []string
	for _, v := range published {
		if semver.IsValid(v) && semver.Prerelease(v) == "" && semver.Compare(v, version) > 0 {
			newer = append(newer, v)
		}
	}
	semver.Sort(newer)
	return newer
}

// Status is one line for the person who runs make fork: which release the
// tree is built from, against the supported ones and, when the proxy
// answered, against upstream's published releases.
func Status(l List, built Release, published []string, answered bool) string {
	newest := l.Newest()
	s := "built from upstream " + built.Module + " " + built.Version
	if built.Version == newest.Version {
		s += ", the newest supported release (supported: " + strings.Join(l.Versions(), ", ") + ")"
	} else {
		s += ", a supported release (the default is the newest, " + newest.Version + ")"
	}
	if !answered {
		return s
	}
	if newer := NewerThan(published, newest.Version); len(newer) > 0 {
		latest := newer[len(newer)-1]
		return s + "; upstream has released " + strings.Join(newer, ", ") + " since: make upgrade UPSTREAM=" + latest + " moves the fork to it (docs/assembly.md)"
	}
	return s + "; the module proxy has no newer release"
}
