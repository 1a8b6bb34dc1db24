package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
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

// The windows of one collection of runs are few, so stability also gives
// the chance of opposite verdicts that the rounds' ratios imply: if a
// fraction p of all recorded rounds is above 1 and q below, and rounds
// were independent, a comparison of N rounds says "faster" with chance
// p^N and "slower" with chance q^N, and two comparisons contradict each
// other with chance 2 p^N q^N. Rounds on a shared machine are not quite
// independent (its load drifts over minutes; alternating the order is
// what keeps that drift from favouring one build), so this is a guide to
// N, next to the windows actually observed.

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
	sizes := []int{2, 4, 6, 8}
	defer writeChances(w, sessions, names, pair, sizes)
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

// writeChances writes, per scenario and verdict figure, the rounds whose
// ratio is above and below 1 over every session, and the chance that two
// comparisons of N independent rounds give opposite verdicts.
func writeChances(w io.Writer, sessions map[string]map[string]recorded, names []string, pair [2]string, sizes []int) {
	fmt.Fprintf(w, "\nEvery recorded round: how many ratios %s/%s are above 1 and below 1 (p, q), and the chance 2 p^N q^N that two comparisons of N independent rounds give opposite verdicts.\n\n", pair[0], pair[1])
	fmt.Fprint(w, "| scenario | figure | rounds above 1 | below 1 |")
	for _, n := range sizes {
		fmt.Fprintf(w, " N = %d |", n)
	}
	fmt.Fprint(w, "\n|---|---|---:|---:|"+strings.Repeat("---:|", len(sizes))+"\n")
	for _, sc := range scenarios {
		for _, vf := range verdictFigures {
			above, below, all := 0, 0, 0
			for _, s := range names {
				rec := sessions[s][sc.Name]
				if rec == nil {
					continue
				}
				for r, ra := range rec[pair[0]] {
					rb := rec[pair[1]][r]
					if rb == nil {
						continue
					}
					x := ratio(num(ra, vf.Key), num(rb, vf.Key))
					switch {
					case x > 1:
						above++
					case x < 1:
						below++
					}
					if !math.IsNaN(x) {
						all++
					}
				}
			}
			if all == 0 {
				continue
			}
			p, q := float64(above)/float64(all), float64(below)/float64(all)
			fmt.Fprintf(w, "| %s | %s | %d of %d | %d |", sc.Name, vf.Label, above, all, below)
			for _, n := range sizes {
				fmt.Fprintf(w, " %s |", showChance(2*math.Pow(p, float64(n))*math.Pow(q, float64(n))))
			}
			fmt.Fprintln(w)
		}
	}
}

// showChance formats a probability as a percentage with two significant
// digits, below 0.001% as such.
func showChance(x float64) string {
	switch {
	case x == 0:
		return "0"
	case x < 1e-5:
		return "<0.001%"
	}
	return strconv.FormatFloat(100*x, 'g', 2, 64) + "%"
}
