package main

import (
	"fmt"
	"strings"
	"time"
)

// A scenario is one workload of the comparison: the loadgen flags every
// variant runs with, in a short form (make) and a full one (make
// compare-full). Each shows a situation where the builds differ in their
// own way; together they are what someone deciding whether to adopt the
// fork needs to see.
type scenario struct {
	Name  string
	Title string // what the workload is, in a few words
	Short preset
	Full  preset
}

// preset is the loadgen flags of a scenario and the rounds to run: an
// even number, so that each variant runs first as often (see roundOrder).
//
// The rounds are what makes a verdict stable (verdict.go). Measured with
// -stability on 48 rounds each of small and large in four sessions and 12
// of level19, on the project's 2-core machine while other sessions ran
// builds and tests (load average 5-10): comparisons of 2 rounds gave
// opposite throughput verdicts ("faster" and "slower") in both small and
// large; of 4 rounds, none in 12, but the rounds imply a 0.3% chance for
// small batches (35 of 48 rounds faster); of 6 rounds, 0.012%. Level 19
// never came near 1 (every round 18x or more), so 2 rounds suffice there,
// which matters: an upstream run of it takes about a minute on a busy
// machine.
type preset struct {
	Flags  string
	Rounds int
}

// The idle phase: after producing, every variant keeps its producers open
// and idle for idleWait, then measures the heap they hold. The fork runs
// with Producer.Zstd.MaxIdleTime = forkMaxIdleTime, so that its idle
// encoders are dropped within the wait (the pool drops an encoder at most
// a quarter of the idle time after it expires); upstream and legacy have
// no such setting and keep what they keep.
const (
	idleWait        = 2 * time.Second
	forkMaxIdleTime = time.Second
)

// scenarios, in the order they run and are reported.
var scenarios = []scenario{
	{
		Name:  "small",
		Title: "small batches (1 KB values, 12 partitions), default level",
		Short: preset{"-producers 200 -messages 100", 6},
		Full:  preset{"-producers 300 -messages 400", 6},
	},
	{
		// 64 KiB values, 2 partitions, up to 16 messages in flight per
		// producer and a 20 ms linger: each request carries one batch of
		// 4-8 values per partition, about 256-512 KiB uncompressed.
		Name:  "large",
		Title: "large batches (64 KiB values, ~300 KiB batches), default level",
		Short: preset{"-producers 100 -messages 20 -value-size 65536 -partitions 2 -in-flight 16 -linger 20ms", 6},
		Full:  preset{"-producers 100 -messages 48 -value-size 65536 -partitions 2 -in-flight 16 -linger 20ms", 6},
	},
	{
		// Once compressions overlap, upstream and legacy build a level-19
		// encoder (tens of MB) for nearly every batch: in both presets a
		// run peaks at up to about 17 GB of heap objects, of which about
		// 9 GB are ever touched and resident, within the 24 GiB of the
		// project's machine. With fewer messages per producer the burst
		// is often over before the compressions pile up, and the runs
		// disagree.
		Name:  "level19",
		Title: "level 19 (16 KB values), 100 producers",
		Short: preset{"-producers 100 -messages 10 -value-size 16000 -level 19", 2},
		Full:  preset{"-producers 100 -messages 20 -value-size 16000 -level 19", 4},
	},
}

// selectScenarios parses the -scenario flag: "all" or a comma-separated
// list of names, returned in the canonical order, each once.
func selectScenarios(spec string) ([]scenario, error) {
	want := map[string]bool{}
	for _, name := range strings.Split(spec, ",") {
		name = strings.TrimSpace(name)
		switch {
		case name == "all":
			for _, sc := range scenarios {
				want[sc.Name] = true
			}
		case scenarioByName(name) != nil:
			want[name] = true
		default:
			return nil, fmt.Errorf("unknown scenario %q (have %s, all)", name, scenarioNames())
		}
	}
	var out []scenario
	for _, sc := range scenarios {
		if want[sc.Name] {
			out = append(out, sc)
		}
	}
	return out, nil
}

func scenarioByName(name string) *scenario {
	for i := range scenarios {
		if scenarios[i].Name == name {
			return &scenarios[i]
		}
	}
	return nil
}

func scenarioNames() string {
	names := make([]string, len(scenarios))
	for i, sc := range scenarios {
		names[i] = sc.Name
	}
	return strings.Join(names, ", ")
}

// preset returns the short or the full preset.
func (sc scenario) preset(short bool) preset {
	if short {
		return sc.Short
	}
	return sc.Full
}

// loadgenArgs is the command line variant v runs scenario sc with: the
// preset's flags, the idle phase, the fork's idle time (fork only: the
// other builds refuse pool settings), then extra, whose flags win over the
// preset's because the flag package keeps the last value given.
func loadgenArgs(v string, flags string, extra []string) []string {
	args := strings.Fields(flags)
	args = append(args, "-idle-wait", idleWait.String())
	if v == "fork" {
		args = append(args, "-max-idle-time", forkMaxIdleTime.String())
	}
	return append(args, extra...)
}
