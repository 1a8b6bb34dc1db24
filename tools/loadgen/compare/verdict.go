package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// The verdicts: for each scenario, one line saying whether the fork is
// faster or slower than upstream, and whether it allocates, peaks and
// keeps more or less heap, with the ratio it rests on.
//
// The rule is the range of the rounds' ratios. Each round runs the two
// builds back to back, in alternating order (fork first in odd rounds), so
// a round's ratio compares them on the machine as it was during those
// seconds. A verdict is given only when every round agrees: "faster"
// (or "more", "less") when the lowest and the highest round's ratio are on
// the same side of 1, and "no difference measurable here" when they span
// 1.0. On a shared machine a difference smaller than the rounds' spread is
// reported as none rather than guessed at; two comparisons can then differ
// by one of them finding no difference, but not by finding opposite ones
// unless every round of each disagrees with every round of the other.

// A verdictFigure is a figure that gets a verdict, with the words for a
// ratio fork/reference above 1 in every round and below 1 in every round.
type verdictFigure struct {
	Key, Label   string
	Above, Below string
}

var verdictFigures = []verdictFigure{
	{"msgs_per_s", "throughput", "faster", "slower"},
	{"cpu_us_per_msg", "CPU time per message", "more", "less"},
	{"alloc_bytes", "bytes allocated", "more", "less"},
	{"peak_heap_alloc_bytes", "peak heap", "higher", "lower"},
	{"idle_heap_growth_bytes", "heap kept after the idle wait", "more", "less"},
}

const (
	noDifference = "no difference measurable here"
	// minVerdictRounds: a single round's ratio has no range to judge by.
	minVerdictRounds = 2
)

// judge is the verdict on the rounds' ratios r (see the rule above).
func judge(r spread, above, below string) string {
	switch {
	case r.N == 0:
		return "no ratio"
	case r.N < minVerdictRounds:
		return fmt.Sprintf("no verdict from %d round", r.N)
	case r.Lo > 1:
		return above
	case r.Hi < 1:
		return below
	default:
		return noDifference
	}
}

// verdictPair is the comparison the verdicts are about: the fork against
// upstream, or against the other variant that ran.
func verdictPair(s *summary) ([2]string, bool) {
	pairs := s.pairs()
	if len(pairs) == 0 {
		return [2]string{}, false
	}
	return pairs[0], true
}

// writeVerdicts writes the rule and a table with one line per scenario.
func writeVerdicts(w io.Writer, sums []*summary) {
	var rows []*summary
	var pair [2]string
	for _, s := range sums {
		if p, ok := verdictPair(s); ok && (len(rows) == 0 || p == pair) {
			rows, pair = append(rows, s), p
		}
	}
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(w, "## Verdicts: %s against %s\n\n", rows[0].Labels[pair[0]], rows[0].Labels[pair[1]])
	var words []string
	for _, vf := range verdictFigures {
		if w := vf.Above + ", " + vf.Below; !slices.Contains(words, w) {
			words = append(words, w)
		}
	}
	fmt.Fprintf(w, "Each cell: the ratio %s/%s, the geometric mean of the rounds' ratios with the lowest and highest "+
		"round's in parentheses, then the verdict. The rule: a verdict (%s) only when every round's ratio is on the "+
		"same side of 1; %q when the lowest and highest span 1.0. Each round runs the two back to back, "+
		"%s first in odd rounds and second in even ones.\n\n",
		pair[0], pair[1], strings.Join(words, "; "), noDifference, pair[0])
	fmt.Fprint(w, "| scenario |")
	for _, vf := range verdictFigures {
		fmt.Fprintf(w, " %s |", vf.Label)
	}
	fmt.Fprint(w, "\n|---|"+strings.Repeat("---|", len(verdictFigures))+"\n")
	for _, s := range rows {
		fmt.Fprint(w, verdictLine(s, pair), "\n")
	}
}

// verdictLine is a scenario's line of the verdict table.
func verdictLine(s *summary, pair [2]string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "| %s, %s |", s.Scenario.Name, s.rounds())
	for _, vf := range verdictFigures {
		r := s.Ratios[vf.Key][pair]
		if r.N == 0 {
			fmt.Fprintf(&b, " %s |", judge(r, vf.Above, vf.Below))
			continue
		}
		fmt.Fprintf(&b, " %sx%s (%s-%s) %s |", showRatio(r.Center), dagger(r), showRatio(r.Lo), showRatio(r.Hi), judge(r, vf.Above, vf.Below))
	}
	return b.String()
}
