//go:build distconsumer

// The consumer test needs the assembled fork and the Go module proxy, so it
// is built only with -tags distconsumer, by make test-dist:
//
//	go test -tags distconsumer -run '^TestConsumer' ./tools/dist -fork $PWD/build/sarama
//
// It assembles a second fork itself, of another supported release.

package main

import (
	"bufio"
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sarama-zstd.example/tools/internal/releases"
)

var forkFlag = flag.String("fork", "", "the assembled fork to publish (make test-dist passes build/sarama)")

// consumerMain is a program of a team that adopts the fork: it sets the
// fork's settings, which upstream has not, and checks them with Validate.
const consumerMain = `package main

import (
	"fmt"
	"os"

	"github.com/IBM/sarama"
)

func main() {
	conf := sarama.NewConfig()
	conf.Producer.Compression = sarama.CompressionZSTD
	conf.Producer.Zstd.MaxInUseEncoders = 3
	conf.Producer.Zstd.MaxIdleEncoders = 2
	if err := conf.Validate(); err != nil {
		fmt.Println("refused:", err)
		os.Exit(1)
	}
	fmt.Printf("MaxInUseEncoders=%d MaxIdleEncoders=%d valid\n", conf.Producer.Zstd.MaxInUseEncoders, conf.Producer.Zstd.MaxIdleEncoders)
	conf.Producer.Zstd.MaxInUseEncoders = -1
	fmt.Println("MaxInUseEncoders=-1:", conf.Validate())
}
`

// TestConsumerBuildsAgainstThePublishedForks publishes, as make dist does,
// the fork given by -fork (the newest supported release, as make test-dist
// assembles it) and the fork of the oldest supported release (assembled
// here by tools/assemble), into one proxy directory. For each, a new module
// follows the printed instructions, which are the README's: go mod init,
// go get of the fork's upstream release, the replace line, go mod tidy, on
// an empty module cache; go list -m must show vX.Y.Z => MODULE
// vX.Y.Z-zstd.1, docs/adopting.md's check for CI must pass, and the
// program must build and run with the fork's settings. A module requiring
// one release with the fork of the other fails that check.
func TestConsumerBuildsAgainstThePublishedForks(t *testing.T) {
	if *forkFlag == "" {
		t.Fatal("-fork is required: run make test-dist, or pass -fork with the path of build/sarama")
	}
	fork, err := readFork(*forkFlag)
	if err != nil {
		t.Fatal(err)
	}
	rels, err := releases.Read(filepath.Join("..", "..", "upstream.pin"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rels) < 2 {
		t.Fatalf("upstream.pin lists %d release, and this test needs two", len(rels))
	}
	other := rels[0]
	if other.Version == fork.Upstream {
		other = rels.Newest()
	}
	otherDir := filepath.Join(t.TempDir(), "sarama")
	assemble := exec.Command("go", "run", "./tools/assemble", "-upstream", other.Version, "-out", otherDir)
	assemble.Dir = filepath.Join("..", "..")
	if out, err := assemble.CombinedOutput(); err != nil {
		t.Fatalf("assembling the fork of %s: %v\n%s", other.ModVersion(), err, out)
	}
	otherFork, err := readFork(otherDir)
	if err != nil {
		t.Fatal(err)
	}

	const modPath = "example.com/acme/sarama-zstd"
	dist := t.TempDir()
	modCache := t.TempDir()
	goFlags, err := goEnv("GOFLAGS")
	if err != nil {
		t.Fatal(err)
	}
	var env []string
	published := make(map[string]publication)
	for _, f := range []Fork{otherFork, fork} {
		p := publishForTest(t, f, modPath, dist)
		published[f.Upstream] = p
		env = append(os.Environ(), p.goproxy, p.gonosumdb, "GOMODCACHE="+modCache,
			// Module cache files are read-only unless -modcacherw: t.TempDir
			// could not remove them.
			"GOFLAGS="+strings.TrimSpace(goFlags+" -modcacherw"),
			"GOWORK=off", "GO111MODULE=on", "GOTOOLCHAIN=local")
	}
	ciCheck := docsCICheck(t)

	for _, f := range []Fork{otherFork, fork} {
		t.Run(f.Upstream, func(t *testing.T) {
			p := published[f.Upstream]
			consumer := newConsumer(t, env, p.goGet, p.replace)
			goCmd := consumer.goCmd
			if out := goCmd("mod", "verify"); out != "all modules verified" {
				t.Errorf("go mod verify: %s", out)
			}
			if got, want := goCmd("list", "-m", f.ModulePath), f.ModulePath+" "+f.Upstream+" => "+modPath+" "+p.version; got != want {
				t.Errorf("go list -m: %q, want %q", got, want)
			}
			if out, err := consumer.sh(ciCheck); err != nil || out != "" {
				t.Errorf("docs/adopting.md's check for CI: %v, %q", err, out)
			}
			goSum, err := os.ReadFile(filepath.Join(consumer.dir, "go.sum"))
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range p.sums {
				mustContain(t, "the consumer's go.sum", string(goSum), l+"\n")
			}
			// The module came from the published directory: the module cache
			// holds it, with the fork's own files.
			if _, err := os.Stat(filepath.Join(modCache, modPath+"@"+p.version, "zstd_pool.go")); err != nil {
				t.Errorf("the published fork is not in the module cache: %v", err)
			}

			bin := filepath.Join(t.TempDir(), "consumer")
			goCmd("build", "-o", bin, ".")
			out, err := exec.Command(bin).CombinedOutput()
			if err != nil {
				t.Fatalf("the consumer failed: %v\n%s", err, out)
			}
			lines := strings.Split(strings.TrimSpace(string(out)), "\n")
			if len(lines) != 2 || lines[0] != "MaxInUseEncoders=3 MaxIdleEncoders=2 valid" ||
				!strings.HasPrefix(lines[1], "MaxInUseEncoders=-1: ") || !strings.Contains(lines[1], "Producer.Zstd.MaxInUseEncoders") {
				t.Errorf("the consumer printed:\n%s\nwant the settings accepted, then MaxInUseEncoders=-1 refused naming the field", out)
			}
			// The binary records the replacement and the hash go.sum pinned.
			mustContain(t, "go version -m", goCmd("version", "-m", bin), "=>\t"+modPath+"\t"+p.version+"\t"+strings.Fields(p.sums[0])[2])
		})
	}

	// Requiring the newest release with the fork of the other one builds the
	// other release's code under the newest's name: the check for CI says so.
	t.Run("mismatch", func(t *testing.T) {
		consumer := newConsumer(t, env, published[fork.Upstream].goGet, published[otherFork.Upstream].replace)
		want := fork.ModulePath + " " + fork.Upstream + " => " + modPath + " " + published[otherFork.Upstream].version
		if got := consumer.goCmd("list", "-m", fork.ModulePath); got != want {
			t.Errorf("go list -m: %q, want %q", got, want)
		}
		out, err := consumer.sh(ciCheck)
		if err == nil || out != fork.ModulePath+" "+fork.Upstream+" is selected but the fork is "+published[otherFork.Upstream].version {
			t.Errorf("docs/adopting.md's check for CI: %v, %q", err, out)
		}
	})
}

// publication is what dist printed for one published fork.
type publication struct {
	version            string
	goGet, replace     string // the consumer's lines
	goproxy, gonosumdb string // VAR=value
	sums               []string
}

// publishForTest publishes f into dist as modPath v<upstream>-zstd.1, as
// make dist does, and returns what it printed.
func publishForTest(t *testing.T, f Fork, modPath, dist string) publication {
	t.Helper()
	version := f.Upstream + "-zstd.1"
	args := []string{"-module", modPath, "-version", version, "-upstream", f.Upstream, "-fork", f.Dir, "-out", dist,
		// A fork assembled from a work tree under development is published
		// too; on a clean clone (CI) the flag changes nothing.
		"-allow-dirty"}
	if f.BaseCommit() == "" {
		args = append(args, "-time", "2025-01-01T00:00:00Z")
	}
	var stdout, stderr bytes.Buffer
	if err := run(args, &stdout, &stderr); err != nil {
		t.Fatalf("dist %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	t.Logf("dist printed:\n%s%s", stdout.String(), stderr.String())
	printed := indentedLines(stdout.String())
	p := publication{
		version:   version,
		goGet:     findPrefix(t, printed, "go get "),
		replace:   findPrefix(t, printed, "replace "),
		goproxy:   findPrefix(t, printed, "GOPROXY="),
		gonosumdb: findPrefix(t, printed, "GONOSUMDB="),
	}
	for _, l := range printed {
		if strings.HasPrefix(l, modPath+" ") {
			p.sums = append(p.sums, l)
		}
	}
	if len(p.sums) != 2 {
		t.Fatalf("dist printed %d go.sum lines, want 2: %q", len(p.sums), p.sums)
	}
	return p
}

// consumer is a module of a team that adopts the fork.
type consumer struct {
	dir   string
	goCmd func(args ...string) string
	sh    func(script string) (string, error)
}

// newConsumer starts a module from nothing as the README says: the
// program, go mod init, the go get and the replace line dist printed, go
// mod tidy.
func newConsumer(t *testing.T, env []string, goGet, replace string) consumer {
	t.Helper()
	c := consumer{dir: t.TempDir()}
	writeFiles(t, c.dir, map[string]string{"main.go": consumerMain})
	c.goCmd = func(args ...string) string {
		t.Helper()
		cmd := exec.Command("go", args...)
		cmd.Dir, cmd.Env = c.dir, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	c.sh = func(script string) (string, error) {
		cmd := exec.Command("sh", "-c", script)
		cmd.Dir, cmd.Env = c.dir, env
		out, err := cmd.CombinedOutput()
		return strings.TrimSpace(string(out)), err
	}
	c.goCmd("mod", "init", "example.com/consumer")
	c.goCmd(strings.Fields(goGet)[1:]...)
	gomod, err := os.ReadFile(filepath.Join(c.dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, c.dir, map[string]string{"go.mod": string(gomod) + "\n" + replace + "\n"})
	c.goCmd("mod", "tidy")
	return c
}

// indentedLines returns the tab-indented lines of the tool's output, the
// ones meant to be copied, without the tab.
func indentedLines(s string) []string {
	var lines []string
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		if l, ok := strings.CutPrefix(sc.Text(), "\t"); ok {
			lines = append(lines, l)
		}
	}
	return lines
}

// findPrefix returns the one line starting with prefix.
func findPrefix(t *testing.T, lines []string, prefix string) string {
	t.Helper()
	var found []string
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			found = append(found, l)
		}
	}
	if len(found) != 1 {
		t.Fatalf("dist printed %d lines starting with %q, want 1: %q", len(found), prefix, lines)
	}
	return found[0]
}
