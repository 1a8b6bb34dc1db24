// Command assemble generates the sarama-zstd fork of Sarama from the pinned
// upstream module, without any upstream code living in this repository.
//
// Run it from the repository root:
//
//	go run ./tools/assemble          # make fork: build/sarama
//	go run ./tools/assemble -pr      # make pr: build/pr
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
// With -pr it writes, instead of the fork, the stack of upstream pull
// requests defined in series.go into -pr-dir: a git repository sarama/ with
// the pristine upstream tree on branch "upstream" and each pull request as
// one commit on its base's branch; for each pull request a directory
// <n>-<slug>/ with that commit as a git format-patch file and its PR.md;
// the stack's README.md and DISCUSSION.md. The texts are rendered from
// prtext/ with the measurements of -results, kept in the repository. The
// commits' author, committer and Signed-off-by are -author ("Name
// <email>"; default $PR_AUTHOR, else git's configured user.name and
// user.email); without one it refuses. Their date is the date of this
// repository's HEAD, so the same sources give the same patches. -check
// then applies each pull request with git am to its pristine base and
// builds, vets and tests it; -bench measures the pull requests whose
// measurements are stale (or those -bench-only names) into -results.
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
//	-pr                                  write the pull requests instead of the fork
//	-pr-dir build/pr                     where -pr writes them
//	-author "Name <email>"               identity of the commits
//	-description=true                    write the texts (need fresh -results)
//	-results tools/assemble/pr-results.json  measurements quoted in the texts
//	-check                               git am each pull request and check it
//	-fresh                               with -check: refuse stale measurements
//	-bench                               measure the pull requests into -results
//	-bench-only id,...                   measure these (step IDs or directories)
//	-bench-rounds 6                      alternating rounds of -bench
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
	pr := fs.Bool("pr", false, "write the upstream pull requests into -pr-dir instead of the fork")
	prDir := fs.String("pr-dir", "build/pr", "output directory of -pr")
	author := fs.String("author", os.Getenv("PR_AUTHOR"), "author, committer and Signed-off-by of the pull requests' commits, \"Name <email>\" (default $PR_AUTHOR, else git's user.name and user.email)")
	description := fs.Bool("description", true, "write PR.md, README.md and DISCUSSION.md, which quote -results")
	results := fs.String("results", "tools/assemble/pr-results.json", "the measurements of make pr-bench, quoted in the texts")
	check := fs.Bool("check", false, "apply each pull request to its pristine base with git am and build, vet and test it")
	fresh := fs.Bool("fresh", false, "with -check: refuse measurements in -results made on other trees")
	bench := fs.Bool("bench", false, "measure the pull requests whose measurements are stale into -results")
	benchOnly := fs.String("bench-only", "", "with -bench: the pull requests to measure, comma-separated step IDs or directories")
	benchRounds := fs.Int("bench-rounds", 6, "alternating rounds of the before and after benchmarks of -bench")
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
	if !*pr {
		overlay, err := assemble(o)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "assembled %s from %s: %d overlay files, %d edits\n", *out, up.ModVersion(), len(overlay), len(edits))
		status(rel)
		return nil
	}
	if *author == "" {
		*author = gitIdentity(".")
	}
	p := PROptions{
		Options:     o,
		Steps:       prSteps,
		Dir:         *prDir,
		Author:      *author,
		Date:        repoDate(),
		Description: *description && !*bench,
		Results:     *results,
	}
	stack, err := makeStack(p)
	if stack != nil {
		printStack(stdout, *prDir, stack)
	}
	if err != nil {
		return err
	}
	if *check {
		r, err := readResults(*results)
		if err != nil {
			return err
		}
		if stale := r.stale(stack); *fresh && len(stale) > 0 {
			return fmt.Errorf("the measurements in %s are missing or of other trees for %s: run make pr-bench (it measures only those) and commit %s", *results, strings.Join(stale, ", "), *results)
		}
		if err := checkStack(p, stack, prDefaultChecks, stdout); err != nil {
			return err
		}
	}
	if *bench {
		bo := prBenchOptions{
			Rounds:    *benchRounds,
			Benchstat: strings.Fields(*benchstat),
			Work:      filepath.Join("build", "pr-bench"),
			Commit:    o.Commit,
		}
		if *benchOnly != "" {
			bo.Only = strings.Split(*benchOnly, ",")
		}
		return benchStack(stack, bo, *results, stdout)
	}
	return nil
}

// printStack lists the pull requests written, with their sizes as Sarama
// labels them.
func printStack(w io.Writer, dir string, s *prStackOut) {
	fmt.Fprintf(w, "pull requests in %s:\n", dir)
	for _, b := range s.PRs {
		fmt.Fprintf(w, "  %-24s +%-4d -%-4d %4d lines  size/%-3s %s\n", filepath.Base(b.Dir), b.Size.Add, b.Size.Del, b.Size.Total(), b.Size.Label(), b.Step.Subject)
	}
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
