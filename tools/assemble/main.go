// Command assemble generates the sarama-zstd fork of Sarama from the pinned
// upstream module, without any upstream code living in this repository.
//
// Run it from the repository root:
//
//	go run ./tools/assemble          # make fork: build/sarama
//	go run ./tools/assemble -pr      # make pr: build/sarama, then build/pr
//
// It reads upstream.pin, the supported upstream releases, picks one (-upstream,
// by default the newest), downloads it with the go command and verifies the
// tree against its pinned h1: hash; copies it beside the
// output; lays the whole files of _overlay/ over it (overwriting an upstream
// file only as a replacement declared in edits.go with the sha256 of the
// upstream file); applies the insertions of edits.go, each placed by Go
// identifiers (or, for rows of a table in a package doc comment, by the name
// in an existing row's first cell); writes FORK.md and a manifest of the
// files; runs gofmt -l on the files it wrote or edited and go vet on the
// package; and only then replaces the previous output. An output that was
// edited by hand since it was generated is left alone unless -force is
// given. It then says which release the tree is built from and, when the
// module proxy answers within a few seconds, whether upstream has released
// a newer one.
//
// With -all it assembles every supported release, each into
// -forks/<version> (make dist ALL=1); -matrix also runs the zstd, config and
// producer tests in each and prints a table (make test-matrix).
//
// With -pr it also writes the upstream pull request into -pr-dir: a git
// repository sarama/ whose first commit is the pristine upstream tree and
// whose next ones are the series of commits defined in series.go (each
// upstream plus the overlay files, _pr/ files and edits of the steps up to
// it), those commits as git format-patch files (0001-*.patch, ...), and
// PR.md, the description rendered from pr-description.md with the
// measurements of -results. The commits' author, committer and
// Signed-off-by are -author ("Name <email>"; default $PR_AUTHOR, else git's
// configured user.name and user.email); without one it refuses. Their date
// is the date of this repository's HEAD, so the same sources give the same
// patches. -check then applies the patches with git am to a pristine
// upstream and builds, vets and tests each commit; -bench measures the
// series and writes -results (make pr-bench).
//
// Flags (defaults are what make fork and make pr use):
//
//	-pin upstream.pin                    the supported releases: module, version, h1: hash
//	-upstream v1.62.0                    the release to assemble (default: the newest)
//	-all                                 assemble every supported release into -forks
//	-matrix                              -all, then test each release
//	-forks build/forks                   where -all and -matrix assemble
//	-overlay _overlay                    whole files laid over upstream
//	-out build/sarama                    the fork, replaced as a whole
//	-force                               discard hand edits in -out
//	-pr                                  also write the pull request
//	-pr-dir build/pr                     where -pr writes it
//	-pr-files _pr                        the pull request's own files, by step
//	-author "Name <email>"               identity of the commits
//	-description=true                    write PR.md (needs -results)
//	-results build/pr-bench/results.json measurements quoted in PR.md
//	-check                               git am the series and check each commit
//	-bench                               measure the series into -results
//	-bench-rounds 10                     alternating rounds of -bench
//	-benchstat "go run ..."              the benchstat command of -bench
//
// Errors are one line, "assemble: <message>", with a non-zero exit.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"sarama-zstd.example/tools/internal/releases"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "assemble: %s\n", oneLine(err.Error()))
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("assemble", flag.ContinueOnError)
	fs.SetOutput(stderr)
	pin := fs.String("pin", "upstream.pin", "the supported upstream releases: module, version and h1: hash of each")
	upstream := fs.String("upstream", "", "the upstream release to assemble, one of -pin's (default: the newest)")
	all := fs.Bool("all", false, "assemble every supported release, each into -forks/<version>")
	matrix := fs.Bool("matrix", false, "like -all, then test each release: go test -run '"+prCheckTests+"' .")
	forks := fs.String("forks", "build/forks", "the directory of -all and -matrix")
	overlayDir := fs.String("overlay", "_overlay", "directory of whole files laid over upstream")
	out := fs.String("out", "build/sarama", "output directory, replaced as a whole")
	force := fs.Bool("force", false, "discard hand edits in the output directory")
	pr := fs.Bool("pr", false, "also write the upstream pull request into -pr-dir")
	prDir := fs.String("pr-dir", "build/pr", "output directory of -pr")
	prFiles := fs.String("pr-files", "_pr", "the pull request's own files, in a directory per step")
	author := fs.String("author", os.Getenv("PR_AUTHOR"), "author, committer and Signed-off-by of the pull request's commits, \"Name <email>\" (default $PR_AUTHOR, else git's user.name and user.email)")
	description := fs.Bool("description", true, "write PR.md, which quotes -results")
	results := fs.String("results", "build/pr-bench/results.json", "the measurements of make pr-bench, quoted in PR.md")
	check := fs.Bool("check", false, "apply the series to a pristine upstream with git am and build, vet and test each commit")
	bench := fs.Bool("bench", false, "measure the series and write -results")
	benchRounds := fs.Int("bench-rounds", 10, "alternating rounds of the before and after benchmarks of -bench")
	benchstat := fs.String("benchstat", "benchstat", "the benchstat command of -bench")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q (flags only; see -h)", fs.Args())
	}

	rels, err := releases.Read(*pin)
	if err != nil {
		return err
	}
	// Whether upstream has released more is asked while the fork is
	// assembled, and told after: a line, or nothing when the proxy is not
	// there (offline, GOPROXY=off) or slow.
	newest := rels.Newest()
	published := make(chan []string, 1)
	answered := make(chan bool, 1)
	go func() {
		v, ok := releases.Published(newest.Module, releases.ProxyTimeout)
		published <- v
		answered <- ok
	}()
	status := func(built releases.Release) {
		fmt.Fprintln(stdout, releases.Status(rels, built, <-published, <-answered))
	}
	options := func(up Upstream, out string) Options {
		return Options{
			Upstream:     up,
			OverlayDir:   *overlayDir,
			Edits:        edits,
			Replacements: replacements,
			Out:          out,
			Force:        *force,
			Commit:       repoCommit(),
			Check:        func(dir string, written []string) error { return checkTree(dir, written, stderr) },
		}
	}

	if *all || *matrix {
		if *upstream != "" || *pr {
			return fmt.Errorf("-all and -matrix assemble every supported release: -upstream and -pr do not apply")
		}
		var test func(dir string) (testCount, error)
		if *matrix {
			test = func(dir string) (testCount, error) { return testRelease(dir, stderr) }
		}
		err := assembleAll(rels, func(r releases.Release, out string) error {
			up, err := download(upstreamOf(r))
			if err != nil {
				return err
			}
			_, err = assemble(options(up, out))
			return err
		}, test, *forks, stdout)
		status(newest)
		return err
	}

	rel, err := rels.Find(*upstream)
	if err != nil {
		return err
	}
	up, err := download(upstreamOf(rel))
	if err != nil {
		return err
	}
	o := options(up, *out)
	overlay, err := assemble(o)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "assembled %s from %s: %d overlay files, %d edits\n", *out, up.ModVersion(), len(overlay), len(edits))
	status(rel)
	if !*pr {
		return nil
	}
	if *author == "" {
		*author = gitIdentity(".")
	}
	if err := checkPRDir(*prFiles, prSteps); err != nil {
		return err
	}
	p := PROptions{
		Options:     o,
		Steps:       prSteps,
		PRDir:       *prFiles,
		Dir:         *prDir,
		Author:      *author,
		Date:        repoDate(),
		Description: *description && !*bench,
		Results:     *results,
	}
	series, err := makePR(p)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "pull request in %s: %d patches", *prDir, len(series.Patches))
	if p.Description {
		fmt.Fprintf(stdout, ", %s", prDescriptionName)
	}
	fmt.Fprintln(stdout)
	if *check {
		if err := checkPR(p, series, stdout); err != nil {
			return err
		}
	}
	if *bench {
		o := prBenchOptions{Rounds: *benchRounds, Benchstat: strings.Fields(*benchstat), Work: filepath.Join(filepath.Dir(*results), "work")}
		if err := benchPR(series, o, *results, stdout); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "measurements in %s\n", *results)
	}
	return nil
}

// repoCommit names the commit of this repository the fork is built from,
// with "-dirty" when the work tree has changes, so a fork can be traced to
// the code that made it.
func repoCommit() string {
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		return "unknown (not a git work tree)"
	}
	c := strings.TrimSpace(string(head))
	if st, err := exec.Command("git", "status", "--porcelain").Output(); err != nil || len(st) > 0 {
		c += "-dirty"
	}
	return c
}
