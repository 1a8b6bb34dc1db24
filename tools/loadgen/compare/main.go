// Command compare builds the loadgen three times — against the fork
// (build/fork.mod, tag saramazstd), upstream Sarama v1.61.1 (the root
// go.mod) and legacy v1.45.0 (build/legacy.mod) — runs the builds
// alternately with the same flags (A B C A B C ...), so that drift of the
// machine affects all of them alike, and reports the median of each figure
// with the ratios fork/upstream and fork/legacy. Every run also verifies its
// messages by reading them back; one failed run fails the comparison.
//
//	go run ./tools/loadgen/compare -short            # what make runs, < 2 min on 2 cores
//	go run ./tools/loadgen/compare -png build/compare.png
//	go run ./tools/loadgen/compare -modfiles         # only write build/*.mod
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	if err := mainErr(); err != nil {
		fmt.Fprintln(os.Stderr, "compare: FAIL:", err)
		os.Exit(1)
	}
}

// Presets: the short one keeps the whole make job (three builds from a warm
// cache plus six runs with read-back) well under two minutes on two cores.
const (
	shortFlags = "-producers 200 -messages 100"
	fullFlags  = "-producers 300 -messages 400"
)

func mainErr() error {
	var (
		short    = flag.Bool("short", false, "quick comparison: 2 rounds of "+shortFlags)
		rounds   = flag.Int("rounds", 5, "rounds; each runs every variant once")
		lgFlags  = flag.String("flags", "", "loadgen flags, the same for every variant (default "+fullFlags+", or "+shortFlags+" with -short)")
		which    = flag.String("variants", "fork,upstream,legacy", "variants to compare, in run order")
		pngPath  = flag.String("png", "", "also write a bar chart of the medians to this PNG file")
		modfiles = flag.Bool("modfiles", false, "only write build/fork.mod and build/legacy.mod (with their .sum) and exit")
		rawPath  = flag.String("runs", "build/compare-runs.jsonl", "append every run's JSON line to this file (relative to the module root); empty: don't")
	)
	flag.BoolVar(modfiles, "modfiles-only", false, "same as -modfiles")
	flag.Parse()

	root, err := moduleRoot()
	if err != nil {
		return err
	}
	want := map[string]bool{}
	for _, v := range strings.Split(*which, ",") {
		want[strings.TrimSpace(v)] = true
	}
	if *modfiles {
		want = map[string]bool{"fork": true, "legacy": true}
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

	n := *rounds
	fl := *lgFlags
	if *short {
		n = 2
		if fl == "" {
			fl = shortFlags
		}
	}
	if fl == "" {
		fl = fullFlags
	}
	loadgenFlags := strings.Fields(fl)

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
		p := *rawPath
		if !filepath.IsAbs(p) {
			p = filepath.Join(root, p)
		}
		if raw, err = os.OpenFile(p, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644); err != nil {
			return err
		}
		defer raw.Close()
	}
	runs := map[string][]map[string]any{}
	for r := 1; r <= n; r++ {
		for _, v := range vs {
			fmt.Printf("round %d/%d: %s %s\n", r, n, v.Name, fl)
			fig, line, err := runOnce(bins[v.Name], v.Name, loadgenFlags)
			if err != nil {
				return err
			}
			runs[v.Name] = append(runs[v.Name], fig)
			if raw != nil {
				if _, err := fmt.Fprintf(raw, "%s\n", line); err != nil {
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
	fmt.Printf("\nmedians of %d rounds, loadgen %s, all runs verified by read-back (%.0f s in all)\n", n, fl, time.Since(begin).Seconds())
	res.writeTable(os.Stdout)
	if note != "" {
		fmt.Println(note)
	}
	if *pngPath != "" {
		if err := res.writePNG(*pngPath); err != nil {
			return err
		}
		fmt.Println("chart:", *pngPath)
	}
	fmt.Println(forkReplace(root))
	return nil
}

func tagFlag(v variant) string {
	if v.Tags == "" {
		return ""
	}
	return "-tags " + v.Tags
}
