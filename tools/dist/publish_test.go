package main

import (
	"archive/zip"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb/dirhash"
	modzip "golang.org/x/mod/zip"
)

func TestPublishLayoutAndContent(t *testing.T) {
	fork := writeFork(t, testForkFiles(testCommit))
	out := t.TempDir()
	res := mustPublish(t, testOptions(fork, out, "v1.2.3-zstd.1"))
	if res.Outcome != Written {
		t.Errorf("Outcome = %v, want Written", res.Outcome)
	}

	dir := "example.com/acme/up-zstd/@v/"
	got := readTree(t, out)
	var names []string
	for n := range got {
		names = append(names, n)
	}
	sort.Strings(names)
	want := []string{dir + "list", dir + "v1.2.3-zstd.1.info", dir + "v1.2.3-zstd.1.mod", dir + "v1.2.3-zstd.1.zip"}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Fatalf("files in the proxy directory:\n%s\nwant:\n%s", strings.Join(names, "\n"), strings.Join(want, "\n"))
	}
	if g := got[dir+"list"]; g != "v1.2.3-zstd.1\n" {
		t.Errorf("list = %q", g)
	}
	if g, w := got[dir+"v1.2.3-zstd.1.info"], `{"Version":"v1.2.3-zstd.1","Time":"2025-06-01T12:30:45Z"}`+"\n"; g != w {
		t.Errorf(".info = %q, want %q", g, w)
	}
	if g, w := got[dir+"v1.2.3-zstd.1.mod"], testForkFiles(testCommit)["go.mod"]; g != w {
		t.Errorf(".mod = %q, want the fork's go.mod %q", g, w)
	}

	// The zip is valid for the go command, and holds the fork's files,
	// manifest included, under module@version/.
	zipFile := filepath.Join(out, filepath.FromSlash(dir+"v1.2.3-zstd.1.zip"))
	m := module.Version{Path: testModule, Version: "v1.2.3-zstd.1"}
	cf, err := modzip.CheckZip(m, zipFile)
	if err != nil {
		t.Fatalf("CheckZip: %v", err)
	}
	if len(cf.Omitted) > 0 || len(cf.Invalid) > 0 {
		t.Errorf("CheckZip: omitted %v, invalid %v", cf.Omitted, cf.Invalid)
	}
	z, err := zip.OpenReader(zipFile)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	var inZip []string
	for _, f := range z.File {
		inZip = append(inZip, f.Name)
	}
	sort.Strings(inZip)
	p := m.Path + "@" + m.Version + "/"
	wantZip := []string{p + manifestName, p + forkNoteName, p + "LICENSE", p + "go.mod", p + "sub/sub.go", p + "up.go"}
	sort.Strings(wantZip)
	if strings.Join(inZip, " ") != strings.Join(wantZip, " ") {
		t.Errorf("zip holds\n%s\nwant\n%s", strings.Join(inZip, "\n"), strings.Join(wantZip, "\n"))
	}

	// The go.sum hashes reported are those of the files written, and the
	// zip hashes as the fork's directory does: same files, same content.
	if h, err := dirhash.HashZip(zipFile, dirhash.Hash1); err != nil || h != res.ZipHash {
		t.Errorf("HashZip = %s, %v; reported %s", h, err, res.ZipHash)
	}
	if h, err := dirhash.HashDir(fork, p[:len(p)-1], dirhash.Hash1); err != nil || h != res.ZipHash {
		t.Errorf("HashDir of the fork = %s, %v; the zip's is %s", h, err, res.ZipHash)
	}
	if h, err := goModHash([]byte(got[dir+"v1.2.3-zstd.1.mod"])); err != nil || h != res.ModHash || !strings.HasPrefix(h, "h1:") {
		t.Errorf("go.mod hash = %s, %v; reported %s", h, err, res.ModHash)
	}
}

func TestPublishIsReproducible(t *testing.T) {
	fork := writeFork(t, testForkFiles(testCommit))
	a, b := t.TempDir(), t.TempDir()
	mustPublish(t, testOptions(fork, a, "v1.2.3-zstd.1"))
	mustPublish(t, testOptions(fork, b, "v1.2.3-zstd.1"))
	ta, tb := readTree(t, a), readTree(t, b)
	if len(ta) != len(tb) {
		t.Fatalf("%d files, then %d", len(ta), len(tb))
	}
	for name, content := range ta {
		if tb[name] != content {
			t.Errorf("%s differs between two publications of one fork", name)
		}
	}
}

func TestPublishAddsVersionsKeepingOthers(t *testing.T) {
	out := t.TempDir()
	dir := "example.com/acme/up-zstd/@v/"
	var before map[string]string
	for i, v := range []string{"v1.2.3-zstd.2", "v1.2.3-zstd.10", "v1.2.3-zstd.1"} {
		// Each version is another revision of the fork.
		files := testForkFiles(testCommit)
		files["up.go"] += "\n// revision " + v + "\n"
		mustPublish(t, testOptions(writeFork(t, files), out, v))
		after := readTree(t, out)
		for name, content := range before {
			if name != dir+"list" && after[name] != content {
				t.Errorf("publishing %s changed %s", v, name)
			}
		}
		if n := len(after); n != 3*(i+1)+1 {
			t.Errorf("after %s: %d files, want %d", v, n, 3*(i+1)+1)
		}
		before = after
	}
	if g, w := before[dir+"list"], "v1.2.3-zstd.1\nv1.2.3-zstd.2\nv1.2.3-zstd.10\n"; g != w {
		t.Errorf("list = %q, want %q", g, w)
	}
}

func TestPublishSameContentAgainChangesNothing(t *testing.T) {
	fork := writeFork(t, testForkFiles(testCommit))
	out := t.TempDir()
	mustPublish(t, testOptions(fork, out, "v1.2.3-zstd.1"))
	first := readTree(t, out)

	o := testOptions(fork, out, "v1.2.3-zstd.1")
	o.Time = testTime.Add(time.Hour) // a later run: the .info keeps its time
	res := mustPublish(t, o)
	if res.Outcome != Unchanged {
		t.Errorf("Outcome = %v, want Unchanged", res.Outcome)
	}
	second := readTree(t, out)
	if len(second) != len(first) {
		t.Errorf("%d files, then %d", len(first), len(second))
	}
	for name, content := range first {
		if second[name] != content {
			t.Errorf("%s changed", name)
		}
	}
}

func TestPublishCompletesAnInterruptedVersion(t *testing.T) {
	fork := writeFork(t, testForkFiles(testCommit))
	out := t.TempDir()
	res := mustPublish(t, testOptions(fork, out, "v1.2.3-zstd.1"))
	first := readTree(t, out)
	// As if a run had stopped after the .mod and the zip.
	os.Remove(res.Files.Info)
	os.Remove(res.Files.List)
	if res = mustPublish(t, testOptions(fork, out, "v1.2.3-zstd.1")); res.Outcome != Unchanged {
		t.Errorf("Outcome = %v, want Unchanged", res.Outcome)
	}
	again := readTree(t, out)
	for name, content := range first {
		if again[name] != content {
			t.Errorf("%s = %q, want %q", name, again[name], content)
		}
	}
}

func TestPublishOtherContentUnderAPublishedVersion(t *testing.T) {
	out := t.TempDir()
	mustPublish(t, testOptions(writeFork(t, testForkFiles(testCommit)), out, "v1.2.3-zstd.1"))
	first := readTree(t, out)

	files := testForkFiles(testCommit)
	files["up.go"] = "package up\n\n// Version says which tree this is.\nfunc Version() string { return \"changed\" }\n"
	changed := writeFork(t, files)
	_, err := publish(testOptions(changed, out, "v1.2.3-zstd.1"))
	if err == nil {
		t.Fatal("publish replaced a published version's content")
	}
	mustContain(t, "the error", err.Error(), "already in", "never serve two contents", "-overwrite")
	after := readTree(t, out)
	if len(after) != len(first) {
		t.Errorf("a refused publication left %d files, there were %d", len(after), len(first))
	}
	for name, content := range first {
		if after[name] != content {
			t.Errorf("a refused publication changed %s", name)
		}
	}

	o := testOptions(changed, out, "v1.2.3-zstd.1")
	o.Overwrite = true
	res := mustPublish(t, o)
	if res.Outcome != Overwritten {
		t.Errorf("Outcome = %v, want Overwritten", res.Outcome)
	}
	if h, err := dirhash.HashZip(res.Files.Zip, dirhash.Hash1); err != nil || h != res.ZipHash {
		t.Errorf("zip after -overwrite hashes to %s (%v), want the new content's %s", h, err, res.ZipHash)
	}
	if h := mustHashDir(t, changed, res.Target); h != res.ZipHash {
		t.Errorf("reported hash %s, the changed fork's is %s", res.ZipHash, h)
	}
	if g := readTree(t, out)["example.com/acme/up-zstd/@v/list"]; g != "v1.2.3-zstd.1\n" {
		t.Errorf("list = %q", g)
	}
}

func TestPublishRefusesAndWritesNothing(t *testing.T) {
	for _, tc := range []struct {
		name   string
		commit string
		target module.Version
		want   []string
	}{
		{"dirty fork", testCommit + "-dirty", module.Version{Path: testModule, Version: "v1.2.3-zstd.1"}, []string{"not from a clean commit", "-allow-dirty"}},
		{"untraced fork", "unknown (not a git work tree)", module.Version{Path: testModule, Version: "v1.2.3-zstd.1"}, []string{"not from a clean commit"}},
		{"bad version", testCommit, module.Version{Path: testModule, Version: "v1.2.3+zstd.1"}, []string{"build metadata"}},
		{"upstream's path", testCommit, module.Version{Path: testUpstream, Version: "v1.2.3-zstd.1"}, []string{"the fork's own"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "dist")
			o := testOptions(writeFork(t, testForkFiles(tc.commit)), out, tc.target.Version)
			o.Target = tc.target
			_, err := publish(o)
			if err == nil {
				t.Fatal("publish accepted it")
			}
			mustContain(t, "the error", err.Error(), tc.want...)
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("a refused publication created %s (%v)", out, err)
			}
		})
	}
}

func TestPublishAllowDirty(t *testing.T) {
	o := testOptions(writeFork(t, testForkFiles(testCommit+"-dirty")), t.TempDir(), "v1.2.3-zstd.1")
	o.AllowDirty = true
	mustPublish(t, o)
}

// TestPublishRefusesAnotherVersionScheme: the version names the upstream
// release the fork is made from, v<upstream>-zstd.<n>, as docs/adopting.md
// says, and nothing is written otherwise.
func TestPublishRefusesAnotherVersionScheme(t *testing.T) {
	fork := writeFork(t, testForkFiles(testCommit)) // of v1.2.3
	for version, want := range map[string]string{
		"v1.2.4":         "does not follow the scheme v<upstream>-zstd.<n>",
		"v1.2.3-fork1":   "for upstream v1.2.3, v1.2.3-zstd.1",
		"v1.2.3-zstd":    "does not follow the scheme",
		"v1.2.3-zstd.1a": "does not follow the scheme",
		"v1.2.4-zstd.1":  "names upstream v1.2.4, but the fork is made from upstream v1.2.3",
		"v1.2.2-zstd.3":  "UPSTREAM=v1.2.2",
	} {
		out := t.TempDir()
		_, err := publish(testOptions(fork, out, version))
		mustContain(t, version+"'s error", errString(err), want)
		if files := readTree(t, out); len(files) > 0 {
			t.Errorf("%s: wrote %v", version, files)
		}
	}
	mustPublish(t, testOptions(fork, t.TempDir(), "v1.2.3-zstd.0"))
}

func TestPublishDatesByTheForksCommit(t *testing.T) {
	repo := t.TempDir()
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(),
			"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com",
			"GIT_AUTHOR_DATE=2024-02-03T04:05:06+02:00", "GIT_COMMITTER_DATE=2024-02-03T04:05:06+02:00",
			"GIT_CONFIG_GLOBAL="+os.DevNull, "GIT_CONFIG_NOSYSTEM=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v: %s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q")
	git("commit", "-q", "--allow-empty", "-m", "the fork's sources")
	commit := git("rev-parse", "HEAD")

	for _, c := range []string{commit, commit + "-dirty"} {
		o := testOptions(writeFork(t, testForkFiles(c)), t.TempDir(), "v1.2.3-zstd.1")
		o.Time, o.GitDir, o.AllowDirty = time.Time{}, repo, true
		res := mustPublish(t, o)
		info, err := os.ReadFile(res.Files.Info)
		if err != nil {
			t.Fatal(err)
		}
		if g, w := string(info), `{"Version":"v1.2.3-zstd.1","Time":"2024-02-03T02:05:06Z"}`+"\n"; g != w {
			t.Errorf("commit %s: .info = %q, want %q", c, g, w)
		}
	}

	o := testOptions(writeFork(t, testForkFiles(testCommit)), t.TempDir(), "v1.2.3-zstd.1")
	o.Time, o.GitDir = time.Time{}, repo
	_, err := publish(o)
	if err == nil {
		t.Fatal("publish dated a commit git does not know")
	}
	mustContain(t, "the error", err.Error(), testCommit, "-time")
}

func TestPublishLeavesNoTemporaryFiles(t *testing.T) {
	out := t.TempDir()
	mustPublish(t, testOptions(writeFork(t, testForkFiles(testCommit)), out, "v1.2.3-zstd.1"))
	files := testForkFiles(testCommit)
	files["LICENSE"] = "another licence\n"
	if _, err := publish(testOptions(writeFork(t, files), out, "v1.2.3-zstd.1")); err == nil {
		t.Fatal("publish replaced a published version's content")
	}
	for name := range readTree(t, out) {
		if strings.HasPrefix(filepath.Base(name), ".") {
			t.Errorf("left behind: %s", name)
		}
	}
}

// mustHashDir is the go.sum hash of a module zip of dir as m.
func mustHashDir(t *testing.T, dir string, m module.Version) string {
	t.Helper()
	h, err := dirhash.HashDir(dir, m.Path+"@"+m.Version, dirhash.Hash1)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestPublishLeavesAForeignListAlone(t *testing.T) {
	out := t.TempDir()
	f, err := layout(out, module.Version{Path: testModule, Version: "v1.2.3-zstd.1"})
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, f.Dir, map[string]string{"list": "not a version\n"})
	_, err = publish(testOptions(writeFork(t, testForkFiles(testCommit)), out, "v1.2.3-zstd.1"))
	mustContain(t, "the error", errString(err), "not a version", "left alone")
	if files := readTree(t, out); len(files) != 1 {
		t.Errorf("a refused publication left %d files, want only the list: %v", len(files), files)
	}
}
