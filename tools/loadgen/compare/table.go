package main

import (
	"fmt"
	"io"
	"math"
	"text/tabwriter"
)

// summary holds the medians of every figure per variant.
type summary struct {
	Variants []string
	Medians  map[string]map[string]float64 // figure key -> variant -> median
	Rounds   map[string]int
}

func summarise(variants []string, runs map[string][]map[string]any) *summary {
	s := &summary{Variants: variants, Medians: map[string]map[string]float64{}, Rounds: map[string]int{}}
	for _, f := range figures {
		s.Medians[f.Key] = map[string]float64{}
		for _, v := range variants {
			s.Medians[f.Key][v] = median(values(runs[v], f.Key))
		}
	}
	for _, v := range variants {
		s.Rounds[v] = len(runs[v])
	}
	return s
}

// ratioPairs are the columns of ratios, present when both variants ran.
var ratioPairs = [][2]string{{"fork", "upstream"}, {"fork", "legacy"}, {"upstream", "legacy"}}

func (s *summary) has(v string) bool {
	for _, x := range s.Variants {
		if x == v {
			return true
		}
	}
	return false
}

func (s *summary) writeTable(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	var pairs [][2]string
	fmt.Fprint(tw, "figure\t")
	for _, v := range s.Variants {
		fmt.Fprintf(tw, "%s\t", v)
	}
	for _, p := range ratioPairs {
		if s.has(p[0]) && s.has(p[1]) {
			pairs = append(pairs, p)
			fmt.Fprintf(tw, "%s/%s\t", p[0], p[1])
		}
	}
	fmt.Fprintln(tw)
	for _, f := range figures {
		fmt.Fprintf(tw, "%s %s\t", f.Label, unit(f))
		for _, v := range s.Variants {
			fmt.Fprintf(tw, "%s\t", show(s.Medians[f.Key][v]/f.Scale))
		}
		for _, p := range pairs {
			a, b := s.Medians[f.Key][p[0]], s.Medians[f.Key][p[1]]
			if math.IsNaN(a) || math.IsNaN(b) || b == 0 {
				fmt.Fprint(tw, "-\t")
			} else {
				fmt.Fprintf(tw, "%.2f\t", a/b)
			}
		}
		fmt.Fprintln(tw)
	}
	_ = tw.Flush()
}

func unit(f figure) string {
	if f.Unit == "" {
		return ""
	}
	return "(" + f.Unit + ")"
}

func show(x float64) string {
	switch {
	case math.IsNaN(x):
		return "n/a"
	case math.Abs(x) >= 100:
		return fmt.Sprintf("%.0f", x)
	default:
		return fmt.Sprintf("%.2f", x)
	}
}
