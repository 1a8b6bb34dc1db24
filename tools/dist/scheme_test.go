package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"
)

// TestVersionSchemeWithTheGoCommand checks with this machine's go command,
// offline (a file:// proxy of small modules, an empty module cache), what
// docs/adopting.md says about the version scheme and the replace line.
// example.com/up stands for upstream Sarama, testModule for the published
// fork of its v1.2.3.
func TestVersionSchemeWithTheGoCommand(t *testing.T) {
	proxy := t.TempDir()
	upstream := func(v string) map[string]string {
		return map[string]string{
			"go.mod": "module example.com/up\n\ngo 1.21\n",
			"up.go":  "package up\n\nfunc Version() string { return \"upstream " + v + "\" }\n",
		}
	}
	serveModule(t, proxy, module.Version{Path: "example.com/up", Version: "v1.2.3"}, upstream("v1.2.3"))
	serveModule(t, proxy, module.Version{Path: "example.com/up", Version: "v1.3.0"}, upstream("v1.3.0"))
	for _, d := range []struct{ path, requires string }{{"example.com/depold", "v1.2.3"}, {"example.com/depnew", "v1.3.0"}} {
		serveModule(t, proxy, module.Version{Path: d.path, Version: "v1.0.0"}, map[string]string{
			"go.mod": "module " + d.path + "\n\ngo 1.21\n\nrequire example.com/up " + d.requires + "\n",
			"dep.go": "package " + filepath.Base(d.path) + "\n\nimport \"example.com/up\"\n\nfunc V() string { return up.Version() }\n",
		})
	}
	fork := writeFork(t, testForkFiles(testCommit))
	for _, v := range []string{"v1.2.3-zstd.2", "v1.2.3-zstd.10", "v1.2.3-zstd.1"} {
		mustPublish(t, testOptions(fork, proxy, v))
	}
	// The anti-pattern: the fork as a pre-release of upstream's own path.
	serveModule(t, proxy, module.Version{Path: "example.com/up", Version: "v1.2.3-zstd.1"}, testForkFiles(testCommit))

	env := append(os.Environ(), "GOPROXY="+fileURL(proxy), "GONOSUMDB=example.com", "GOMODCACHE="+t.TempDir(),
		"GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -modcacherw"), "GOWORK=off", "GO111MODULE=on", "GOTOOLCHAIN=local")
	goCmd := func(dir string, args ...string) string {
		t.Helper()
		cmd := exec.Command("go", args...)
		cmd.Dir, cmd.Env = dir, env
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go %s in %s: %v\n%s", strings.Join(args, " "), dir, err, stderr.String())
		}
		return strings.TrimSpace(string(out))
	}
	goFails := func(dir string, args ...string) string {
		t.Helper()
		cmd := exec.Command("go", args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		if err == nil {
			t.Fatalf("go %s in %s succeeded:\n%s", strings.Join(args, " "), dir, out)
		}
		return string(out)
	}
	// ciCheck runs docs/adopting.md's check for CI in dir.
	ciCheck := func(dir string) (string, error) {
		cmd := exec.Command("sh", "-c", strings.ReplaceAll(docsCICheck(t), "github.com/IBM/sarama", "example.com/up"))
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		return strings.TrimSpace(string(out)), err
	}
	// writeConsumer writes a main module that requires upstream v1.2.3,
	// with extra go.mod lines, importing upstream and deps.
	writeConsumer := func(gomod string, deps ...string) string {
		dir := t.TempDir()
		imports, calls := `"example.com/up"`, "up.Version()"
		for _, d := range deps {
			imports += "\n\t\"example.com/" + d + "\""
			calls += `, "|", ` + d + ".V()"
		}
		writeFiles(t, dir, map[string]string{
			"go.mod":  "module example.com/consumer\n\ngo 1.21\n\nrequire example.com/up v1.2.3\n" + gomod,
			"main.go": "package main\n\nimport (\n\t\"fmt\"\n\n\t" + imports + "\n)\n\nfunc main() { fmt.Println(" + calls + ") }\n",
		})
		return dir
	}
	consumer := func(gomod string, deps ...string) string {
		dir := writeConsumer(gomod, deps...)
		goCmd(dir, "mod", "tidy")
		return dir
	}
	expect := func(what, got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("%s:\n got %q\nwant %q", what, got, want)
		}
	}

	// Pre-releases sort before their release, numeric identifiers as numbers.
	expect("versions of the published fork", goCmd(proxy, "list", "-m", "-versions", testModule), testModule+" v1.2.3-zstd.1 v1.2.3-zstd.2 v1.2.3-zstd.10")
	expect("versions of upstream", goCmd(proxy, "list", "-m", "-versions", "example.com/up"), "example.com/up v1.2.3-zstd.1 v1.2.3 v1.3.0")
	// Build metadata does not make a version the go command takes.
	mustContain(t, "go mod tidy with build metadata", goFails(writeConsumer("\nreplace example.com/up => "+testModule+" v1.2.3+zstd.1\n"), "mod", "tidy"),
		testModule, "v1.2.3+zstd.1")

	// Published under upstream's path, the fork loses to upstream's release
	// as soon as any dependency requires it.
	dir := consumer("\nrequire example.com/up v1.2.3-zstd.1\n", "depold")
	expect("fork under upstream's path, selected", goCmd(dir, "list", "-m", "example.com/up"), "example.com/up v1.2.3")
	expect("fork under upstream's path, run", goCmd(dir, "run", "."), "upstream v1.2.3 | upstream v1.2.3")

	// The replace without a left-hand version applies to whatever version
	// is selected: a dependency that requires a later upstream raises the
	// require (go mod tidy writes it), and the fork is built all the same.
	unversioned := "\nreplace example.com/up => " + testModule + " v1.2.3-zstd.1\n"
	dir = consumer(unversioned, "depnew")
	expect("unversioned replace, selected", goCmd(dir, "list", "-m", "example.com/up"), "example.com/up v1.3.0 => "+testModule+" v1.2.3-zstd.1")
	expect("unversioned replace, run", goCmd(dir, "run", "."), "fork | fork")
	if out, err := ciCheck(dir); err == nil || out != "example.com/up v1.3.0 is selected but the fork is v1.2.3-zstd.1" {
		t.Errorf("the CI check, another upstream selected: %v, %q", err, out)
	}

	// Without a require, the go command gives the replaced module a
	// placeholder version: the README's go get comes first for that reason,
	// and the check for CI refuses the placeholder.
	dir = t.TempDir()
	writeFiles(t, dir, map[string]string{
		"go.mod":  "module example.com/consumer\n\ngo 1.21\n" + unversioned,
		"main.go": "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/up\"\n)\n\nfunc main() { fmt.Println(up.Version()) }\n",
	})
	goCmd(dir, "mod", "tidy")
	const placeholder = "v0.0.0-00010101000000-000000000000"
	expect("replace without a require, selected", goCmd(dir, "list", "-m", "example.com/up"), "example.com/up "+placeholder+" => "+testModule+" v1.2.3-zstd.1")
	if out, err := ciCheck(dir); err == nil || out != "example.com/up "+placeholder+" is selected but the fork is v1.2.3-zstd.1" {
		t.Errorf("the CI check, no release required: %v, %q", err, out)
	}
	// Without the replace, the check says the fork is not used.
	if out, err := ciCheck(consumer("")); err == nil || out != "example.com/up v1.2.3 is selected but the fork is not used" {
		t.Errorf("the CI check, no fork: %v, %q", err, out)
	}

	// A replace of v1.2.3 only stops applying once v1.3.0 is selected.
	dir = consumer("\nreplace example.com/up v1.2.3 => "+testModule+" v1.2.3-zstd.1\n", "depnew")
	expect("versioned replace, selected", goCmd(dir, "list", "-m", "example.com/up"), "example.com/up v1.3.0")
	expect("versioned replace, run", goCmd(dir, "run", "."), "upstream v1.3.0 | upstream v1.3.0")

	// go get -u upgrades the require to upstream's latest release and leaves
	// the replace as it is; go list -m -u shows later fork revisions.
	dir = consumer(unversioned)
	if out, err := ciCheck(dir); err != nil || out != "" {
		t.Errorf("the CI check, the fork's upstream selected: %v, %q", err, out)
	}
	goCmd(dir, "get", "-u", "./...")
	expect("after go get -u", goCmd(dir, "list", "-m", "example.com/up"), "example.com/up v1.3.0 => "+testModule+" v1.2.3-zstd.1")
	expect("go list -m -u", goCmd(dir, "list", "-m", "-u", "example.com/up"), "example.com/up v1.3.0 => "+testModule+" v1.2.3-zstd.1 [v1.2.3-zstd.10]")
	expect("run after go get -u", goCmd(dir, "run", "."), "fork")
}

// docsCICheck is the shell command docs/adopting.md gives as a check for
// CI: the indented lines from the one that starts with "go list -m -f".
func docsCICheck(t *testing.T) string {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "adopting.md"))
	if err != nil {
		t.Fatal(err)
	}
	var cmd []string
	for _, line := range strings.Split(string(doc), "\n") {
		code, indented := strings.CutPrefix(line, "    ")
		switch {
		case len(cmd) == 0 && indented && strings.HasPrefix(code, "go list -m -f"):
			cmd = append(cmd, code)
		case len(cmd) > 0 && indented:
			cmd = append(cmd, code)
		case len(cmd) > 0:
			return strings.Join(cmd, "\n")
		}
	}
	t.Fatal("docs/adopting.md has no check for CI starting with go list -m -f")
	return ""
}

// serveModule writes module version m with files into the proxy directory
// root, as any proxy would serve it.
func serveModule(t *testing.T, root string, m module.Version, files map[string]string) {
	t.Helper()
	src := t.TempDir()
	writeFiles(t, src, files)
	f, err := layout(root, m)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(f.Dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var zip bytes.Buffer
	if err := modzip.CreateFromDir(&zip, m, src); err != nil {
		t.Fatal(err)
	}
	old, _ := os.ReadFile(f.List)
	list, err := mergeList(old, m.Version)
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, f.Dir, map[string]string{
		filepath.Base(f.Zip):  zip.String(),
		filepath.Base(f.Mod):  files["go.mod"],
		filepath.Base(f.Info): string(infoJSON(m.Version, testTime)),
		"list":                string(list),
	})
}
