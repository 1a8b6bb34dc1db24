package main

import (
	"math"
	"slices"
)

// figure is one number the loadgen reports, as compared across variants.
type figure struct {
	Key    string  // JSON field of the loadgen report
	Label  string  // row label
	Unit   string  // shown after the value
	Scale  float64 // divide the raw value by this for display
	Better string  // "higher" or "lower": which direction is an improvement
}

var figures = []figure{
	{"msgs_per_s", "throughput", "msg/s", 1, "higher"},
	{"mb_per_s", "throughput", "MB/s", 1, "higher"},
	{"cpu_us_per_msg", "CPU time per message", "µs", 1, "lower"},
	{"alloc_bytes", "allocated while producing", "MB", 1e6, "lower"},
	{"alloc_bytes_per_msg", "allocated per message", "B", 1, "lower"},
	{"gc_cycles", "GC cycles", "", 1, "lower"},
	{"gc_cpu_fraction", "GC CPU", "%", 0.01, "lower"},
	{"peak_heap_alloc_bytes", "peak heap", "MB", 1e6, "lower"},
	{"peak_heap_inuse_bytes", "peak heap in use", "MB", 1e6, "lower"},
	{"base_heap_alloc_bytes", "heap before producing (baseline)", "MB", 1e6, "lower"},
	{"idle_heap_alloc_bytes", "heap after the idle wait", "MB", 1e6, "lower"},
	{"idle_heap_growth_bytes", "idle heap over baseline", "MB", 1e6, "lower"},
	{"encoders_created", "zstd encoders created", "", 1, "lower"},
	{"encoders_held_idle", "zstd encoders held after the idle wait", "", 1, "lower"},
	{"encoder_waits", "compressions that waited for an encoder", "", 1, "lower"},
	{"encoder_wait_mean_ms", "mean wait of those", "ms", 1, "lower"},
	{"batch_uncompressed_bytes", "batch size, uncompressed", "KiB", 1024, "higher"},
	{"ratio_batches", "compression ratio", "x", 1, "higher"},
}

// ratio is a/b for the ratio columns: NaN (shown as "-") unless b is
// positive and a is not negative. A figure that can be negative or zero,
// such as the idle heap over the baseline, has no meaningful ratio then.
func ratio(a, b float64) float64 {
	if math.IsNaN(a) || math.IsNaN(b) || b <= 0 || a < 0 {
		return math.NaN()
	}
	return a / b
}

// spread summarises a figure over runs, or a ratio over rounds: one
// central value and the lowest and highest.
//
// The central value is the geometric mean when every value is positive.
// For ratios that is the statistic that agrees with the values: the
// geometric mean of the rounds' ratios fork/upstream equals the geometric
// mean of the fork's runs over that of upstream's, so a table's or a
// chart's ratio is what its two values give. When a value is zero or
// negative (no GC cycle, an idle heap below its baseline) there is no
// geometric mean and the central value is the median (Median is set).
type spread struct {
	Center, Lo, Hi float64
	N              int  // values summarised
	Median         bool // Center is the median, not the geometric mean
}

// summarize is the spread of the values present (NaN values are absent,
// for example pool metrics of a Sarama that has none). With no value every
// field is NaN and N is 0.
func summarize(xs []float64) spread {
	var present []float64
	for _, x := range xs {
		if !math.IsNaN(x) {
			present = append(present, x)
		}
	}
	if len(present) == 0 {
		return spread{Center: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
	}
	s := spread{Lo: slices.Min(present), Hi: slices.Max(present), N: len(present)}
	switch {
	case s.Lo == s.Hi:
		s.Center = s.Lo // every statistic agrees, zero included
	case s.Lo > 0:
		s.Center = geomean(present)
	default:
		s.Center, s.Median = median(present), true
	}
	return s
}

// geomean of positive values.
func geomean(xs []float64) float64 {
	var logs float64
	for _, x := range xs {
		logs += math.Log(x)
	}
	return math.Exp(logs / float64(len(xs)))
}

// pairRatios pairs the runs of two variants by round (their order in the
// slices) and summarises each round's ratio of figure key (see ratio).
// Each round runs the variants back to back, so a ratio within a round sees
// the machine as it was then; on a shared machine whose speed drifts over
// minutes, the spread of those ratios is what tells a difference between
// the builds from the drift (make bench pairs its rows the same way).
// Rounds where the ratio is undefined are left out.
func pairRatios(a, b []map[string]any, key string) spread {
	var rs []float64
	for i := range min(len(a), len(b)) {
		rs = append(rs, ratio(num(a[i], key), num(b[i], key)))
	}
	return summarize(rs)
}

// num is figure key of one run, NaN when absent.
func num(run map[string]any, key string) float64 {
	if f, ok := run[key].(float64); ok {
		return f
	}
	return math.NaN()
}

// median of the values; NaN when there are none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if n := len(s); n%2 == 1 {
		return s[n/2]
	} else {
		return (s[n/2-1] + s[n/2]) / 2
	}
}

// values collects figure key from runs, NaN where it is absent (JSON null).
func values(runs []map[string]any, key string) []float64 {
	xs := make([]float64, len(runs))
	for i, r := range runs {
		xs[i] = num(r, key)
	}
	return xs
}
