package main

import (
	"fmt"
	"io"
	"math"
	"strings"
)

// summary is one scenario's comparison: every figure per variant over its
// runs, every ratio over the rounds, and what they were measured with.
type summary struct {
	Scenario scenario
	Flags    string   // the scenario's loadgen flags, the same for every variant
	Extra    []string // -flags given to compare, after the preset's
	Variants []string // in the order of the odd rounds
	Labels   map[string]string
	Values   map[string]map[string]spread    // figure key -> variant -> over its runs
	Ratios   map[string]map[[2]string]spread // figure key -> (variant, reference) -> over the rounds
	Rounds   map[string]int                  // variant -> runs
	Seconds  float64                         // wall time of the scenario's runs
}

func summarise(variants []string, runs map[string][]map[string]any) *summary {
	s := &summary{
		Variants: variants,
		Labels:   map[string]string{},
		Values:   map[string]map[string]spread{},
		Ratios:   map[string]map[[2]string]spread{},
		Rounds:   map[string]int{},
	}
	for _, f := range figures {
		s.Values[f.Key] = map[string]spread{}
		s.Ratios[f.Key] = map[[2]string]spread{}
		for _, v := range variants {
			s.Values[f.Key][v] = summarize(values(runs[v], f.Key))
			for _, ref := range variants {
				if ref != v {
					s.Ratios[f.Key][[2]string{v, ref}] = pairRatios(runs[v], runs[ref], f.Key)
				}
			}
		}
	}
	for _, v := range variants {
		s.Rounds[v] = len(runs[v])
		s.Labels[v] = variantLabel(v, runs[v])
	}
	return s
}

// variantLabel names a variant in headers: upstream and legacy with the
// Sarama version their runs reported.
func variantLabel(v string, runs []map[string]any) string {
	if v == "fork" || len(runs) == 0 {
		return v
	}
	if ver, ok := runs[0]["sarama"].(string); ok && ver != "" {
		return v + " " + ver
	}
	return v
}

// ratioPairs are the columns of ratios, present when both variants ran.
var ratioPairs = [][2]string{{"fork", "upstream"}, {"fork", "legacy"}}

func (s *summary) has(v string) bool {
	for _, x := range s.Variants {
		if x == v {
			return true
		}
	}
	return false
}

func (s *summary) pairs() [][2]string {
	var out [][2]string
	for _, p := range ratioPairs {
		if s.has(p[0]) && s.has(p[1]) {
			out = append(out, p)
		}
	}
	return out
}

// rounds says how many rounds the scenario ran: "5 rounds", or the range
// if the variants differ.
func (s *summary) rounds() string {
	lo, hi := math.MaxInt, 0
	for _, v := range s.Variants {
		lo, hi = min(lo, s.Rounds[v]), max(hi, s.Rounds[v])
	}
	switch {
	case lo == 1 && hi == 1:
		return "1 round"
	case lo == hi:
		return fmt.Sprintf("%d rounds", lo)
	default:
		return fmt.Sprintf("%d-%d rounds", lo, hi)
	}
}

// statisticNote says what the table's numbers are, for the text under a
// scenario's heading and the verdicts.
const statisticNote = "Values are geometric means of the runs; a ratio is the geometric mean of the rounds' ratios " +
	"(the same as the ratio of the two values), with the lowest and highest round's ratio in parentheses. " +
	"† marks a median, used where a run's value is zero or negative."

// writeMarkdown writes the scenario's section: a heading, how it was
// measured, the table, what the idle rows mean and, if chart is not empty,
// a link to the chart.
func (s *summary) writeMarkdown(w io.Writer, chart string) {
	fmt.Fprintf(w, "## %s: %s\n\n", s.Scenario.Name, s.Scenario.Title)
	fmt.Fprintf(w, "loadgen `%s` for every variant, and `-max-idle-time %v` for the fork; "+
		"%s, each running the variants back to back, in the order of the columns in odd rounds and the reverse in even ones; "+
		"every run verified by read-back (%.0f s in all). %s\n\n",
		strings.Join(loadgenArgs("", s.Flags, s.Extra), " "), forkMaxIdleTime, s.rounds(), s.Seconds, statisticNote)
	s.writeTable(w)
	fmt.Fprintf(w, "\nBaseline: the heap of the connected producers before their first message, "+
		"after two garbage collections. The idle rows: the same measure after the producers, still open, "+
		"sent nothing for %v after the last acknowledgement (the fork drops encoders idle for %v). "+
		"The growth over the baseline includes Sarama's per-topic and per-partition producer state and "+
		"the metrics its first messages register, alike in every build; what differs is the encoders kept. "+
		"CPU time is the producing process's, user and system, not the cluster's.\n",
		idleWait, forkMaxIdleTime)
	if chart != "" {
		fmt.Fprintf(w, "\n![%s: %s](%s)\n", s.Scenario.Name, s.Scenario.Title, chart)
	}
}

// writeTable writes the markdown table: one row per figure, a column per
// variant, then the ratio columns.
func (s *summary) writeTable(w io.Writer) {
	pairs := s.pairs()
	fmt.Fprint(w, "| figure |")
	for _, v := range s.Variants {
		fmt.Fprintf(w, " %s |", s.Labels[v])
	}
	for _, p := range pairs {
		fmt.Fprintf(w, " %s/%s |", p[0], p[1])
	}
	fmt.Fprint(w, "\n|---|")
	fmt.Fprint(w, strings.Repeat("---:|", len(s.Variants)+len(pairs)))
	fmt.Fprintln(w)
	for _, f := range figures {
		fmt.Fprintf(w, "| %s%s |", f.Label, unit(f))
		for _, v := range s.Variants {
			x := s.Values[f.Key][v]
			fmt.Fprintf(w, " %s%s |", show(x.Center/f.Scale), dagger(x))
		}
		for _, p := range pairs {
			fmt.Fprintf(w, " %s |", showSpread(s.Ratios[f.Key][p]))
		}
		fmt.Fprintln(w)
	}
}

// showSpread formats a ratio with its range: "1.07 (0.60-1.43)", a
// dagger after a median, the range left out for a single round.
func showSpread(r spread) string {
	cell := showRatio(r.Center) + dagger(r)
	if r.N > 1 {
		cell += " (" + showRatio(r.Lo) + "-" + showRatio(r.Hi) + ")"
	}
	return cell
}

func dagger(x spread) string {
	if x.Median {
		return "†"
	}
	return ""
}

func unit(f figure) string {
	if f.Unit == "" {
		return ""
	}
	return " (" + f.Unit + ")"
}

// show formats a value: n/a when the variant does not report the figure.
func show(x float64) string {
	switch {
	case math.IsNaN(x):
		return "n/a"
	case math.Abs(x) >= 100:
		return fmt.Sprintf("%.0f", x)
	case math.Abs(x) >= 10:
		return fmt.Sprintf("%.1f", x)
	default:
		return fmt.Sprintf("%.2f", x)
	}
}

// showRatio formats a ratio with two significant digits below 0.1, so that
// 0.016 does not read as 0.02 or 0.00.
func showRatio(r float64) string {
	switch {
	case math.IsNaN(r):
		return "-"
	case r != 0 && r < 0.1:
		return fmt.Sprintf("%.2g", r)
	default:
		return fmt.Sprintf("%.2f", r)
	}
}
