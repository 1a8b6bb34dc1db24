package main

import (
	"bytes"
	"strings"
	"testing"
)

const sample = `goos: linux
BenchmarkZstdPool/heap=app/size=2KiB/g=1000/pool=ideal-2   100  8000 ns/op  256.00 MB/s  0 encoders/op  2.000 peak-encoders  2048 B/op  1 allocs/op
BenchmarkZstdPool/heap=app/size=2KiB/g=1000/pool=ideal-2   100  8000 ns/op  200.00 MB/s  0 encoders/op  2.000 peak-encoders  2048 B/op  1 allocs/op
BenchmarkZstdPool/heap=app/size=2KiB/g=1000/pool=ideal-2   100  8000 ns/op  210.00 MB/s  0 encoders/op  2.000 peak-encoders  2048 B/op  1 allocs/op
BenchmarkZstdPool/heap=app/size=2KiB/g=1000/pool=upstream-2  100  8000 ns/op  105.00 MB/s  0.002 encoders/op  858 peak-encoders  5532 B/op  1 allocs/op
BenchmarkZstdPool/heap=app/size=2KiB/g=1000/pool=fork-2    100  8000 ns/op  231.00 MB/s  0 encoders/op  2.000 peak-encoders  2048 B/op  1 allocs/op
PASS
`

func TestTable(t *testing.T) {
	res, err := parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.order) != 3 {
		t.Fatalf("parsed %d benchmarks, want 3", len(res.order))
	}
	var out bytes.Buffer
	write(&out, res)
	for _, want := range []string{
		"| app | 2KiB | 1000 | ideal | 210.0 | 1.00x | 2.00x | 2048 | 1 | 0.0000 | 2 | 3 |", // median of 256, 200, 210
		"| app | 2KiB | 1000 | fork | 231.0 | 1.10x | 2.20x |",                              // unpaired: ratios of medians
		"| app | 2KiB | 1000 | upstream | 105.0 | 0.50x | 1.00x | 5532 | 1 | 0.0020 | 858 | 1 |",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
}

// Rows run once per round: ratios pair each round's results, so a round
// where the whole machine ran slow counts as one round, not as a slow row.
const rounds = `BenchmarkZstdPool/heap=app/size=2KiB/g=1000/pool=ideal-2   100  8000 ns/op  200.00 MB/s
BenchmarkZstdPool/heap=app/size=2KiB/g=1000/pool=fork-2    100  8000 ns/op  190.00 MB/s
BenchmarkZstdPool/heap=app/size=2KiB/g=1000/pool=ideal-2   100  8000 ns/op  100.00 MB/s
BenchmarkZstdPool/heap=app/size=2KiB/g=1000/pool=fork-2    100  8000 ns/op  100.00 MB/s
BenchmarkZstdPool/heap=app/size=2KiB/g=1000/pool=ideal-2   100  8000 ns/op  250.00 MB/s
BenchmarkZstdPool/heap=app/size=2KiB/g=1000/pool=fork-2    100  8000 ns/op  200.00 MB/s
`

func TestTablePairsRounds(t *testing.T) {
	res, err := parse(strings.NewReader(rounds))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	write(&out, res)
	// Per round 0.95, 1.00, 0.80; the medians alone would give 190/200.
	want := "| app | 2KiB | 1000 | fork | 190.0 | 0.95x (0.80-1.00) | - |"
	if !strings.Contains(out.String(), want) {
		t.Errorf("table lacks %q:\n%s", want, out.String())
	}
}

func TestParseNameKeepsDashedPools(t *testing.T) {
	k, ok := parseName("BenchmarkZstdPool/heap=bare/size=1MiB/g=100/pool=idle1-inuse1000-2")
	if !ok || k.pool != "idle1-inuse1000" || k.size != "1MiB" || k.goroutines != "100" {
		t.Errorf("parseName = %+v, %v", k, ok)
	}
}

func TestMedianEven(t *testing.T) {
	if got := median([]float64{4, 1, 3, 2}); got != 2.5 {
		t.Errorf("median = %v, want 2.5", got)
	}
}
