// Command compare builds the loadgen against the fork (build/fork.mod, tag
// saramazstd), upstream Sarama (the root go.mod) and legacy v1.45.0
// (build/legacy.mod), and runs them on three scenarios (small batches,
// large batches, level 19; see scenarios.go). Within a scenario the builds
// run in rounds with the same flags, in alternating order (A B C, C B A,
// A B C ...), so that neither drift of the machine nor going first favours
// one of them. After producing, each run keeps its producers open and idle
// and measures the heap they still hold. For each scenario it prints and
// writes a markdown table (geometric means, ratios fork/upstream and
// fork/legacy with their range over the rounds; build/compare/<scenario>.md)
// and a chart (build/compare/compare-<scenario>.png, the name docs/ gives
// it), and it ends with the verdicts: one line per scenario saying whether
// the fork is faster or slower than upstream, and whether it allocates,
// peaks and keeps more or less heap, or that no difference is measurable
// (verdict.go). Every run also verifies its messages by reading them back;
// one failed run fails the comparison.
//
//	go run ./tools/loadgen/compare -short              # what make runs (fork and upstream)
//	go run ./tools/loadgen/compare                     # make compare-full (and legacy)
//	go run ./tools/loadgen/compare -scenario large -rounds 4
//	go run ./tools/loadgen/compare -stability build/compare-runs.jsonl
//	go run ./tools/loadgen/compare -modfiles           # only write build/*.mod
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"sarama-zstd.example/tools/internal/modroot"
)

func main() {
	if err := mainErr(); err != nil {
		fmt.Fprintln(os.Stderr, "compare: FAIL:", err)
		os.Exit(1)
	}
}

func mainErr() error {
	var (
		short    = flag.Bool("short", false, "the short presets (what make runs): fewer producers and messages, fork and upstream only")
		which    = flag.String("scenario", "all", "scenarios to run, comma-separated: "+scenarioNames()+", or all")
		rounds   = flag.Int("rounds", 0, "rounds per scenario, each running every variant once (0: the preset's; even numbers balance the order)")
		lgFlags  = flag.String("flags", "", "loadgen flags added after every scenario's own (a flag given here wins)")
		variants = flag.String("variants", "", "variants to compare, in the order of odd rounds (default: fork,upstream with -short, else fork,upstream,legacy)")
		outDir   = flag.String("out", "build/compare", "write <scenario>.md and <scenario>.png here (relative to the module root)")
		modfiles = flag.Bool("modfiles", false, "only write build/fork.mod and build/legacy.mod (with their .sum) and exit")
		rawPath  = flag.String("runs", "build/compare-runs.jsonl", "append every run's JSON line, with its session, scenario, round and place in the round, to this file (relative to the module root); empty: don't")
		stable   = flag.String("stability", "", "run nothing: read a runs file and give the verdicts of its sessions' rounds taken N at a time, for every even N")
	)
	flag.BoolVar(modfiles, "modfiles-only", false, "same as -modfiles")
	flag.Parse()

	root, err := modroot.Dir()
	if err != nil {
		return err
	}
	if *stable != "" {
		return stability(os.Stdout, inRoot(root, *stable))
	}
	if *variants == "" {
		*variants = "fork,upstream,legacy"
		if *short {
			*variants = "fork,upstream"
		}
	}
	want := map[string]bool{}
	for _, v := range strings.Split(*variants, ",") {
		want[strings.TrimSpace(v)] = true
	}
	if *modfiles {
		want = map[string]bool{"fork": true, "legacy": true}
	}
	scs, err := selectScenarios(*which)
	if err != nil {
		return err
	}
	vs, note, err := prepareVariants(root, want)
	if err != nil {
		return err
	}
	if note != "" {
		fmt.Println(note)
	}
	if *modfiles {
		for _, v := range vs {
			fmt.Printf("%s: go build -modfile=%s %s\n", v.Name, v.Modfile, tagFlag(v))
		}
		fmt.Println(forkReplace(root))
		return nil
	}
	if len(vs) == 0 {
		return fmt.Errorf("no variant to run")
	}

	begin := time.Now()
	bins := map[string]string{}
	for _, v := range vs {
		fmt.Printf("building %s ...\n", v.Name)
		if bins[v.Name], err = build(root, v); err != nil {
			return err
		}
	}
	var raw *os.File
	if *rawPath != "" {
		if raw, err = os.OpenFile(inRoot(root, *rawPath), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644); err != nil {
			return err
		}
		defer raw.Close()
	}
	out := inRoot(root, *outDir)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	extra := strings.Fields(*lgFlags)
	session := begin.UTC().Format(time.RFC3339)

	var report bytes.Buffer
	var sums []*summary
	for _, sc := range scs {
		pre := sc.preset(*short)
		n := pre.Rounds
		if *rounds > 0 {
			n = *rounds
		}
		scBegin := time.Now()
		runs := map[string][]map[string]any{}
		for r := 1; r <= n; r++ {
			for place, v := range roundOrder(vs, r) {
				args := loadgenArgs(v.Name, pre.Flags, extra)
				fmt.Printf("%s round %d/%d: %s %s\n", sc.Name, r, n, v.Name, strings.Join(args, " "))
				fig, line, err := runOnce(bins[v.Name], v.Name, args)
				if err != nil {
					return fmt.Errorf("scenario %s: %w", sc.Name, err)
				}
				runs[v.Name] = append(runs[v.Name], fig)
				if raw != nil {
					if _, err := raw.Write(taggedLine(line, runTag{session, sc.Name, r, place + 1})); err != nil {
						return err
					}
				}
			}
		}
		names := make([]string, len(vs))
		for i, v := range vs {
			names[i] = v.Name
		}
		res := summarise(names, runs)
		res.Scenario, res.Flags, res.Extra, res.Seconds = sc, pre.Flags, extra, time.Since(scBegin).Seconds()

		sums = append(sums, res)
		png := filepath.Join(out, chartName(sc.Name))
		if err := res.writePNG(png); err != nil {
			return fmt.Errorf("chart of %s: %w", sc.Name, err)
		}
		var md bytes.Buffer
		res.writeMarkdown(&md, chartName(sc.Name))
		if err := os.WriteFile(filepath.Join(out, sc.Name+".md"), md.Bytes(), 0o644); err != nil {
			return err
		}
		report.WriteString("\n")
		res.writeMarkdown(&report, "")
		fmt.Fprintf(&report, "\ntable: %s, chart: %s\n", filepath.Join(out, sc.Name+".md"), png)
	}
	fmt.Print(report.String())
	fmt.Printf("\n%d scenarios in %.0f s\n", len(scs), time.Since(begin).Seconds())
	if note != "" {
		fmt.Println(note)
	}
	fmt.Println(forkReplace(root))
	fmt.Println()
	writeVerdicts(os.Stdout, sums)
	return nil
}

// roundOrder is the order the variants run in round r (from 1): as given
// in odd rounds, reversed in even ones, so that over an even number of
// rounds each variant runs as often before as after each other one.
func roundOrder[T any](vs []T, r int) []T {
	if r%2 == 1 {
		return vs
	}
	rev := slices.Clone(vs)
	slices.Reverse(rev)
	return rev
}

// chartName is the file name of a scenario's chart, the one docs/ keeps it
// under, so that a table's link holds once both are copied there.
func chartName(scenario string) string { return "compare-" + scenario + ".png" }

// inRoot resolves a path given relative to the module root.
func inRoot(root, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(root, p)
}

// runTag says where a run belongs in the runs file: the comparison it was
// part of (its start time), its scenario, its round and its place in the
// round (1 ran first).
type runTag struct {
	Session, Scenario string
	Round, Place      int
}

// taggedLine is a run's JSON line with its tag in front, for the runs file;
// line is a JSON object.
func taggedLine(line []byte, t runTag) []byte {
	head := fmt.Sprintf(`{"session":%q,"scenario":%q,"round":%d,"place":%d`, t.Session, t.Scenario, t.Round, t.Place)
	body := bytes.TrimSpace(line)
	body = bytes.TrimPrefix(body, []byte("{"))
	if len(bytes.TrimSpace(body)) > 1 { // more than the closing brace
		head += ","
	}
	return append(append([]byte(head), body...), '\n')
}

func tagFlag(v variant) string {
	if v.Tags == "" {
		return ""
	}
	return "-tags " + v.Tags
}
