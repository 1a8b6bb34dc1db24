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

// pairedRatio compares two variants over the rounds: the median of the
// per-round ratios and their range. Each round runs the variants back to
// back, so a ratio within a round sees the machine as it was then; on a
// shared machine whose speed drifts over minutes, that is steadier than the
// ratio of the two medians (make bench pairs its rows the same way).
type pairedRatio struct {
	Median, Lo, Hi float64
	N              int // rounds with a ratio
}

// pairRatios pairs the runs of two variants by round (their order in the
// slices) and takes each round's ratio of figure key (see ratio).
func pairRatios(a, b []map[string]any, key string) pairedRatio {
	var rs []float64
	for i := range min(len(a), len(b)) {
		if r := ratio(num(a[i], key), num(b[i], key)); !math.IsNaN(r) {
			rs = append(rs, r)
		}
	}
	if len(rs) == 0 {
		return pairedRatio{Median: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
	}
	return pairedRatio{Median: median(rs), Lo: slices.Min(rs), Hi: slices.Max(rs), N: len(rs)}
}

// num is figure key of one run, NaN when absent.
func num(run map[string]any, key string) float64 {
	if f, ok := run[key].(float64); ok {
		return f
	}
	return math.NaN()
}

// median of the present values; NaN when there are none (for example pool
// metrics of a Sarama that has no pool metrics).
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

// values collects figure key from runs, skipping runs where it is absent
// (JSON null).
func values(runs []map[string]any, key string) []float64 {
	var xs []float64
	for _, r := range runs {
		if f, ok := r[key].(float64); ok {
			xs = append(xs, f)
		}
	}
	return xs
}
