package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// How many rounds make a verdict stable? stability answers from recorded
// runs (the runs file every comparison appends to): within each session
// (one run of compare), it cuts a scenario's rounds into consecutive
// windows of N rounds, starting at round 1, and gives each window the
// verdicts a comparison of N rounds would have given. For every even N it
// counts the verdicts over all windows: if no scenario has both a "faster"
// and a "slower" window (or "more" and "less"), comparisons of N rounds
// did not contradict each other on these runs.

// recorded is the runs of one session and scenario: variant -> round -> run.
type recorded map[string]map[int]map[string]any

// readRuns reads a runs file, keeping the runs that carry a session (older
// lines have none) as session -> scenario -> recorded.
func readRuns(r io.Reader) (map[string]map[string]recorded, error) {
	out := map[string]map[string]recorded{}
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	for line := 1; sc.Scan(); line++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var run map[string]any
		if err := json.Unmarshal(sc.Bytes(), &run); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		session, _ := run["session"].(string)
		scenario, _ := run["scenario"].(string)
		variant, _ := run["variant"].(string)
		round, _ := run["round"].(float64)
		if session == "" || scenario == "" || variant == "" || round < 1 {
			continue
		}
		if out[session] == nil {
			out[session] = map[string]recorded{}
		}
		rec := out[session][scenario]
		if rec == nil {
			rec = recorded{}
			out[session][scenario] = rec
		}
		if rec[variant] == nil {
			rec[variant] = map[int]map[string]any{}
		}
		rec[variant][int(round)] = run
	}
	return out, sc.Err()
}

// window is rounds [from, from+n) of a and b, or false if one of them
// lacks a round.
func (rec recorded) window(a, b string, from, n int) (map[string][]map[string]any, bool) {
	runs := map[string][]map[string]any{}
	for r := from; r < from+n; r++ {
		ra, rb := rec[a][r], rec[b][r]
		if ra == nil || rb == nil {
			return nil, false
		}
		runs[a], runs[b] = append(runs[a], ra), append(runs[b], rb)
	}
	return runs, true
}

func (rec recorded) maxRound() int {
	n := 0
	for _, rounds := range rec {
		for r := range rounds {
			n = max(n, r)
		}
	}
	return n
}

// tally counts the verdicts of one scenario, window size and figure.
type tally map[string]int

func (t tally) String() string {
	order := []string{"faster", "slower", "more", "less", "higher", "lower", noDifference}
	for w := range t {
		if !slices.Contains(order, w) {
			order = append(order, w) // no ratio, no verdict from one round
		}
	}
	slices.Sort(order[7:])
	var parts []string
	for _, w := range order {
		if t[w] > 0 {
			name := w
			if w == noDifference {
				name = "none"
			}
			parts = append(parts, fmt.Sprintf("%d %s", t[w], name))
		}
	}
	return strings.Join(parts, ", ")
}

// contradicts reports whether both verdicts of a figure occurred.
func (t tally) contradicts(vf verdictFigure) bool {
	return t[vf.Above] > 0 && t[vf.Below] > 0
}

// stability writes, for each scenario and even window size, the verdicts
// of fork against upstream over the windows of the runs file at path.
func stability(w io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sessions, err := readRuns(f)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	names := make([]string, 0, len(sessions))
	for s := range sessions {
		names = append(names, s)
	}
	slices.Sort(names)
	fmt.Fprintf(w, "%s: %d sessions (%s); fork against upstream, each session's rounds taken N at a time from round 1.\n",
		path, len(names), strings.Join(names, ", "))
	fmt.Fprintf(w, "A cell counts the windows' verdicts (none: %s); !! marks a figure with opposite verdicts.\n\n", noDifference)
	fmt.Fprint(w, "| scenario | N | windows |")
	for _, vf := range verdictFigures {
		fmt.Fprintf(w, " %s |", vf.Label)
	}
	fmt.Fprint(w, "\n|---|---:|---:|"+strings.Repeat("---|", len(verdictFigures))+"\n")
	pair := [2]string{"fork", "upstream"}
	for _, sc := range scenarios {
		longest := 0
		for _, s := range names {
			if rec := sessions[s][sc.Name]; rec != nil {
				longest = max(longest, rec.maxRound())
			}
		}
		for n := 2; n <= longest; n += 2 {
			tallies := make([]tally, len(verdictFigures))
			for i := range tallies {
				tallies[i] = tally{}
			}
			windows := 0
			for _, s := range names {
				rec := sessions[s][sc.Name]
				for from := 1; rec != nil && from+n-1 <= rec.maxRound(); from += n {
					runs, ok := rec.window(pair[0], pair[1], from, n)
					if !ok {
						continue
					}
					windows++
					sum := summarise(pair[:], runs)
					for i, vf := range verdictFigures {
						tallies[i][judge(sum.Ratios[vf.Key][pair], vf.Above, vf.Below)]++
					}
				}
			}
			if windows == 0 {
				continue
			}
			fmt.Fprintf(w, "| %s | %d | %d |", sc.Name, n, windows)
			for i, vf := range verdictFigures {
				mark := ""
				if tallies[i].contradicts(vf) {
					mark = " !!"
				}
				fmt.Fprintf(w, " %s%s |", tallies[i], mark)
			}
			fmt.Fprintln(w)
		}
	}
	return nil
}
