//go:build distconsumer

// The consumer test needs the assembled fork and the Go module proxy, so it
// is built only with -tags distconsumer, by make test-dist:
//
//	go test -tags distconsumer -run '^TestConsumer' ./tools/dist -fork $PWD/build/sarama

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

	"golang.org/x/mod/modfile"
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

// TestConsumerBuildsAgainstThePublishedFork publishes the fork as make dist
// does, then follows the printed instructions in an empty module that
// requires upstream, on an empty module cache: go mod tidy, go mod verify,
// go build, and runs the program.
func TestConsumerBuildsAgainstThePublishedFork(t *testing.T) {
	if *forkFlag == "" {
		t.Fatal("-fork is required: run make test-dist, or pass -fork with the path of build/sarama")
	}
	fork, err := readFork(*forkFlag)
	if err != nil {
		t.Fatal(err)
	}
	forkMod, err := os.ReadFile(filepath.Join(fork.Dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	// The consumer's go directive is the fork's: no lower than its dependency's.
	mf, err := modfile.ParseLax("go.mod", forkMod, nil)
	if err != nil || mf.Go == nil {
		t.Fatalf("the fork's go.mod has no go directive (%v)", err)
	}

	const modPath = "example.com/acme/sarama-zstd"
	version := fork.Upstream + "-zstd.1"
	dist := t.TempDir()
	args := []string{"-module", modPath, "-version", version, "-fork", fork.Dir, "-out", dist,
		// A fork assembled from a work tree under development is published
		// too; on a clean clone (CI) the flag changes nothing.
		"-allow-dirty"}
	if fork.BaseCommit() == "" {
		args = append(args, "-time", "2025-01-01T00:00:00Z")
	}
	var stdout, stderr bytes.Buffer
	if err := run(args, &stdout, &stderr); err != nil {
		t.Fatalf("dist %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	t.Logf("dist printed:\n%s%s", stdout.String(), stderr.String())
	printed := indentedLines(stdout.String())
	replace := findPrefix(t, printed, "replace ")
	goproxy := findPrefix(t, printed, "GOPROXY=")
	gonosumdb := findPrefix(t, printed, "GONOSUMDB=")
	var sums []string
	for _, l := range printed {
		if strings.HasPrefix(l, modPath+" ") {
			sums = append(sums, l)
		}
	}
	if len(sums) != 2 {
		t.Fatalf("dist printed %d go.sum lines, want 2: %q", len(sums), sums)
	}

	consumer := t.TempDir()
	writeFiles(t, consumer, map[string]string{
		"go.mod": "module example.com/consumer\n\ngo " + mf.Go.Version + "\n\n" +
			"require " + fork.ModulePath + " " + fork.Upstream + "\n\n" + replace + "\n",
		"main.go": consumerMain,
	})
	modCache := t.TempDir()
	goFlags, err := goEnv("GOFLAGS")
	if err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), goproxy, gonosumdb, "GOMODCACHE="+modCache,
		// Module cache files are read-only unless -modcacherw: t.TempDir
		// could not remove them.
		"GOFLAGS="+strings.TrimSpace(goFlags+" -modcacherw"),
		"GOWORK=off", "GO111MODULE=on", "GOTOOLCHAIN=local")
	goCmd := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("go", args...)
		cmd.Dir, cmd.Env = consumer, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	goCmd("mod", "tidy")
	if out := goCmd("mod", "verify"); out != "all modules verified" {
		t.Errorf("go mod verify: %s", out)
	}
	if got, want := goCmd("list", "-m", fork.ModulePath), fork.ModulePath+" "+fork.Upstream+" => "+modPath+" "+version; got != want {
		t.Errorf("go list -m: %q, want %q", got, want)
	}
	goSum, err := os.ReadFile(filepath.Join(consumer, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range sums {
		mustContain(t, "the consumer's go.sum", string(goSum), l+"\n")
	}
	// The module came from the published directory: the module cache holds
	// it, with the fork's own files.
	if _, err := os.Stat(filepath.Join(modCache, modPath+"@"+version, "zstd_pool.go")); err != nil {
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
	mustContain(t, "go version -m", goCmd("version", "-m", bin), "=>\t"+modPath+"\t"+version+"\t"+strings.Fields(sums[0])[2])
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
