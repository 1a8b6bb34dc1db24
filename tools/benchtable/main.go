// Command benchtable turns the output of the pool benchmarks
// (BenchmarkZstdPool in the fork's zstd_test.go, run by make bench) into the
// Markdown table of docs/benchmarks.md: per heap, block size and pool, the median of
// each metric over the runs, and the throughput relative to the ideal and to
// upstream's behaviour.
//
// make bench runs every row once per round, so the n-th result of each row
// comes from the same round. When two rows have as many results, a ratio is
// the median of the per-round ratios, with their lowest and highest in
// brackets: rows measured minutes apart on a shared machine differ by more
// than the pools do, rows of one round far less. Otherwise it is the ratio of
// the medians.
//
//	go run ./tools/benchtable build/bench/raw.txt
//
// benchstat (also run by make bench) gives the confidence intervals and
// significance; this table is the summary.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: benchtable build/bench/raw.txt")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
	defer f.Close()
	runs, err := parse(f)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
	if len(runs.order) == 0 {
		fmt.Fprintln(os.Stderr, "benchtable: no BenchmarkZstdPool results in", os.Args[1])
		os.Exit(1)
	}
	write(os.Stdout, runs)
}

// key names one benchmark of the table: heap=…/size=…/g=…/pool=….
type key struct{ heap, size, goroutines, pool string }

// results holds every run's metrics by benchmark, in the order first seen.
type results struct {
	order []key
	runs  map[key]map[string][]float64 // unit -> one value per run
}

func parse(r io.Reader) (*results, error) {
	res := &results{runs: make(map[key]map[string][]float64)}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 || !strings.HasPrefix(fields[0], "BenchmarkZstdPool/") {
			continue
		}
		k, ok := parseName(fields[0])
		if !ok {
			continue
		}
		m := res.runs[k]
		if m == nil {
			m = make(map[string][]float64)
			res.runs[k] = m
			res.order = append(res.order, k)
		}
		// fields[1] is the iteration count; then value-unit pairs.
		for i := 2; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				return nil, fmt.Errorf("%s: value %q: %v", fields[0], fields[i], err)
			}
			m[fields[i+1]] = append(m[fields[i+1]], v)
		}
	}
	return res, sc.Err()
}

// parseName reads "BenchmarkZstdPool/heap=app/size=2KiB/g=1000/pool=fork-2".
func parseName(name string) (key, bool) {
	var k key
	parts := strings.Split(name, "/")[1:]
	for _, p := range parts {
		label, value, ok := strings.Cut(p, "=")
		if !ok {
			return k, false
		}
		switch label {
		case "heap":
			k.heap = value
		case "size":
			k.size = value
		case "g":
			k.goroutines = value
		case "pool":
			// Drop the -GOMAXPROCS suffix the testing package appends.
			if i := strings.LastIndex(value, "-"); i > 0 {
				if _, err := strconv.Atoi(value[i+1:]); err == nil {
					value = value[:i]
				}
			}
			k.pool = value
		}
	}
	return k, k.heap != "" && k.size != "" && k.pool != ""
}

func median(vs []float64) float64 {
	if len(vs) == 0 {
		return 0
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	if n := len(s); n%2 == 1 {
		return s[n/2]
	} else {
		return (s[n/2-1] + s[n/2]) / 2
	}
}

func (r *results) median(k key, unit string) (float64, bool) {
	vs, ok := r.runs[k][unit]
	return median(vs), ok
}

// ratio is k's throughput relative to base's: the median of the per-round
// ratios and their range, or the ratio of the medians if the rows do not
// have a result in every round.
func (r *results) ratio(k, base key) string {
	vs, bs := r.runs[k]["MB/s"], r.runs[base]["MB/s"]
	if len(vs) == 0 || len(bs) == 0 {
		return "-"
	}
	if k == base {
		return "1.00x"
	}
	if len(vs) != len(bs) || len(vs) == 1 {
		if b := median(bs); b != 0 {
			return fmt.Sprintf("%.2fx", median(vs)/b)
		}
		return "-"
	}
	perRound := make([]float64, 0, len(vs))
	for i := range vs {
		if bs[i] == 0 {
			return "-"
		}
		perRound = append(perRound, vs[i]/bs[i])
	}
	return fmt.Sprintf("%.2fx (%.2f-%.2f)", median(perRound), slices.Min(perRound), slices.Max(perRound))
}

func write(w io.Writer, r *results) {
	fmt.Fprintln(w, "| heap | block | goroutines | pool | MB/s | vs ideal | vs upstream | B/op | allocs/op | encoders built/op | peak live encoders | runs |")
	fmt.Fprintln(w, "|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, k := range r.order {
		mbs, _ := r.median(k, "MB/s")
		ratio := func(pool string) string {
			base := k
			base.pool = pool
			return r.ratio(k, base)
		}
		num := func(unit, format string) string {
			v, ok := r.median(k, unit)
			if !ok {
				return "-"
			}
			return fmt.Sprintf(format, v)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %.1f | %s | %s | %s | %s | %s | %s | %d |\n",
			k.heap, k.size, k.goroutines, k.pool, mbs, ratio("ideal"), ratio("upstream"),
			num("B/op", "%.0f"), num("allocs/op", "%.0f"), num("encoders/op", "%.4f"),
			num("peak-encoders", "%.0f"), len(r.runs[k]["MB/s"]))
	}
}
