package main

import (
	"fmt"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
	} {
		if got := median(c.in); got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.in, got, c.want)
		}
	}
	if !math.IsNaN(median(nil)) {
		t.Error("median of nothing must be NaN (a figure the variant does not report)")
	}
}

// A figure a variant reports as null (pool metrics without the fork) has no
// median, and is not taken for zero.
func TestSummariseSkipsAbsentFigures(t *testing.T) {
	runs := map[string][]map[string]any{
		"fork":     {{"msgs_per_s": 10.0, "encoders_created": 3.0}, {"msgs_per_s": 30.0, "encoders_created": 3.0}},
		"upstream": {{"msgs_per_s": 10.0, "encoders_created": nil, "sarama": "v1.61.1"}},
	}
	s := summarise([]string{"fork", "upstream"}, runs)
	if got := s.Values["msgs_per_s"]["fork"]; math.Abs(got.Center-math.Sqrt(300)) > 1e-9 || got.Lo != 10 || got.Hi != 30 {
		t.Errorf("fork throughput %+v, want the geometric mean of 10 and 30, from 10 to 30", got)
	}
	if got := s.Values["encoders_created"]["upstream"]; !math.IsNaN(got.Center) || got.N != 0 {
		t.Errorf("upstream encoders created %v, want absent", got)
	}
	if got := s.Labels["upstream"]; got != "upstream v1.61.1" {
		t.Errorf("upstream label %q, want the version its runs reported", got)
	}
}

func TestRatio(t *testing.T) {
	for _, c := range []struct {
		a, b, want float64
	}{
		{8, 2, 4},
		{0, 5, 0},    // the fork ran no GC cycle: a real 0x
		{-1, 50, -1}, // the idle heap fell below the baseline: no ratio
		{3, 0, -1},
		{3, -2, -1},
		{math.NaN(), 2, -1}, // not reported by one of them
		{2, math.NaN(), -1},
	} {
		got := ratio(c.a, c.b)
		if c.want < 0 {
			if !math.IsNaN(got) {
				t.Errorf("ratio(%v, %v) = %v, want none", c.a, c.b, got)
			}
		} else if got != c.want {
			t.Errorf("ratio(%v, %v) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
	for r, want := range map[float64]string{8.3: "8.30", 0.44: "0.44", 0.016: "0.016", 0: "0.00", math.NaN(): "-"} {
		if got := showRatio(r); got != want {
			t.Errorf("showRatio(%v) = %q, want %q", r, got, want)
		}
	}
}

// Ratios pair the rounds: a machine twice as fast in one round moves both
// variants, not their ratio. Rounds where a ratio is undefined are left
// out. The central ratio is the geometric mean of the rounds' ratios,
// which is the ratio of the variants' geometric means: a table's ratio is
// what its values give.
func TestPairRatios(t *testing.T) {
	a := []map[string]any{{"x": 20.0}, {"x": 40.0}, {"x": 10.0}, {"x": nil}}
	b := []map[string]any{{"x": 10.0}, {"x": 40.0}, {"x": 2.0}, {"x": 5.0}}
	r := pairRatios(a, b, "x")
	if r.N != 3 || math.Abs(r.Center-math.Cbrt(10)) > 1e-9 || r.Lo != 1 || r.Hi != 5 || r.Median {
		t.Errorf("paired ratios %+v, want the geometric mean of 2, 1 and 5 over 3 rounds, range 1-5", r)
	}
	va, vb := summarize(values(a[:3], "x")), summarize(values(b[:3], "x"))
	if got := va.Center / vb.Center; math.Abs(got-r.Center) > 1e-9 {
		t.Errorf("ratio of the geometric means %v, geometric mean of the ratios %v: they must agree", got, r.Center)
	}
	if none := pairRatios(a[3:], b[3:], "x"); none.N != 0 || !math.IsNaN(none.Center) {
		t.Errorf("no round with a ratio gave %+v", none)
	}
}

// A value that is zero or negative has no geometric mean: the median then,
// marked; equal values are themselves, zero included.
func TestSummarize(t *testing.T) {
	for _, c := range []struct {
		in     []float64
		center float64
		median bool
	}{
		{[]float64{2, 8}, 4, false},
		{[]float64{0, 0, 0}, 0, false},
		{[]float64{0, 3, 5}, 3, true},
		{[]float64{-1, 2, 9, 4}, 3, true},
		{[]float64{math.NaN(), 9}, 9, false},
	} {
		got := summarize(c.in)
		if math.Abs(got.Center-c.center) > 1e-9 || got.Median != c.median {
			t.Errorf("summarize(%v) = %+v, want center %v, median %v", c.in, got, c.center, c.median)
		}
	}
}

// The variants alternate: as given in odd rounds, reversed in even ones.
func TestRoundOrder(t *testing.T) {
	vs := []string{"fork", "upstream", "legacy"}
	var got []string
	for r := 1; r <= 4; r++ {
		got = append(got, strings.Join(roundOrder(vs, r), " "))
	}
	want := []string{"fork upstream legacy", "legacy upstream fork", "fork upstream legacy", "legacy upstream fork"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("orders %q, want %q", got, want)
	}
	if strings.Join(vs, " ") != "fork upstream legacy" {
		t.Errorf("roundOrder changed its argument: %v", vs)
	}
}

// A verdict needs every round on one side of 1; a range that reaches 1
// is no difference.
func TestJudge(t *testing.T) {
	for _, c := range []struct {
		r    spread
		want string
	}{
		{spread{Center: 1.3, Lo: 1.1, Hi: 1.5, N: 4}, "faster"},
		{spread{Center: 0.5, Lo: 0.4, Hi: 0.9, N: 4}, "slower"},
		{spread{Center: 1.07, Lo: 0.6, Hi: 1.43, N: 6}, noDifference},
		{spread{Center: 1.1, Lo: 1, Hi: 1.2, N: 2}, noDifference},
		{spread{Center: 3, Lo: 3, Hi: 3, N: 1}, "no verdict from 1 round"},
		{spread{Center: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}, "no ratio"},
	} {
		if got := judge(c.r, "faster", "slower"); got != c.want {
			t.Errorf("judge(%+v) = %q, want %q", c.r, got, c.want)
		}
	}
}

// The verdicts end the output: the rule, then one line per scenario.
func TestVerdicts(t *testing.T) {
	s := testSummary(t)
	var b strings.Builder
	writeVerdicts(&b, []*summary{s})
	out := b.String()
	for _, want := range []string{
		"## Verdicts: fork against upstream v1.61.1\n",
		"no difference measurable here",
		"| scenario | throughput | CPU time per message | bytes allocated | peak heap | heap kept after the idle wait |",
		"| level19, 2 rounds | 8.32x (8.30-8.33) faster | 0.12x (0.12-0.12) less | 0.014x (0.014-0.015) less | 0.026x (0.026-0.026) lower | 0.0032x (0.0025-0.0042) less |\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("verdicts lack %q:\n%s", want, out)
		}
	}
	if !strings.HasSuffix(out, "|\n") {
		t.Errorf("the verdicts do not end with a scenario's line:\n%s", out)
	}
}

// testSummary is a scenario's summary as three variants' runs give it,
// with the idle heap of the fork back at its baseline.
func testSummary(t *testing.T) *summary {
	t.Helper()
	run := func(msgs, alloc, peak, base, idle float64, pool bool) map[string]any {
		r := map[string]any{
			"msgs_per_s": msgs, "cpu_us_per_msg": 2e6 / msgs, "alloc_bytes": alloc, "peak_heap_alloc_bytes": peak,
			"base_heap_alloc_bytes": base, "idle_heap_alloc_bytes": idle, "idle_heap_growth_bytes": idle - base,
			"encoders_created": nil, "encoders_held_idle": nil, "sarama": "v1.61.1",
		}
		if pool {
			r["encoders_created"], r["encoders_held_idle"] = 2.0, 0.0
		}
		return r
	}
	runs := map[string][]map[string]any{
		"fork":     {run(830, 200e6, 346e6, 60e6, 60.5e6, true), run(850, 210e6, 350e6, 60e6, 60.3e6, true)},
		"upstream": {run(100, 14000e6, 13488e6, 60e6, 180e6, false), run(102, 14400e6, 13500e6, 60e6, 180e6, false)},
		"legacy":   {run(90, 16000e6, 15000e6, 58e6, 120e6, false), run(85, 16100e6, 15100e6, 58e6, 121e6, false)},
	}
	runs["legacy"][0]["sarama"], runs["legacy"][1]["sarama"] = "v1.45.0", "v1.45.0"
	s := summarise([]string{"fork", "upstream", "legacy"}, runs)
	s.Scenario, s.Flags, s.Seconds = *scenarioByName("level19"), scenarioByName("level19").Full.Flags, 123
	return s
}

func TestMarkdownTable(t *testing.T) {
	var b strings.Builder
	testSummary(t).writeMarkdown(&b, "level19.png")
	md := b.String()
	for _, want := range []string{
		"## level19: ",
		"| figure | fork | upstream v1.61.1 | legacy v1.45.0 | fork/upstream | fork/legacy |",
		"|---|---:|---:|---:|---:|---:|",
		"| throughput (msg/s) | 840 | 101 | 87.5 | 8.32 (8.30-8.33) | 9.60 (9.22-10.00) |",
		"| peak heap (MB) | 348 | 13494 | 15050 | 0.026 (0.026-0.026) | 0.023 (0.023-0.023) |",
		"| heap before producing (baseline) (MB) | 60.0 | 60.0 | 58.0 | 1.00 (1.00-1.00) | 1.03 (1.03-1.03) |",
		"| idle heap over baseline (MB) | 0.39 | 120 | 62.5 | 0.0032 (0.0025-0.0042) | 0.0062 (0.0048-0.0081) |",
		"| zstd encoders held after the idle wait | 0.00 | n/a | n/a | - | - |",
		"2 rounds, each running the variants back to back",
		"Values are geometric means",
		"Baseline: ",
		"![level19: ",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	// Every row has as many cells as the header.
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "|") && strings.Count(line, "|") != 7 {
			t.Errorf("row with %d cells: %s", strings.Count(line, "|")-1, line)
		}
	}
}

// The chart is drawn without error, also when a variant lacks figures,
// and is a PNG of the documented size.
func TestChartWrites(t *testing.T) {
	s := testSummary(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "level19.png")
	if err := s.writePNG(path); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Width != 1200 || cfg.Height != 850 {
		t.Errorf("chart is %dx%d, want 1200x850", cfg.Width, cfg.Height)
	}
	if p := os.Getenv("COMPARE_TEST_CHART"); p != "" { // to look at it
		_ = os.Rename(path, p)
	}

	two := summarise([]string{"fork", "legacy"}, map[string][]map[string]any{
		"fork":   {{"msgs_per_s": 10.0}},
		"legacy": {{"msgs_per_s": 5.0, "idle_heap_growth_bytes": -1e6}},
	})
	two.Scenario = *scenarioByName("small")
	if err := two.writePNG(filepath.Join(dir, "two.png")); err != nil {
		t.Fatalf("chart without upstream: %v", err)
	}
}

func TestPowerOfTwoTicks(t *testing.T) {
	var got []string
	for _, tk := range powerOfTwoTicks(-3.6, 3.2) {
		got = append(got, tk.Label)
	}
	if want := "1/8x 1/4x 1/2x 1x 2x 4x 8x"; strings.Join(got, " ") != want {
		t.Errorf("ticks %q, want %q", strings.Join(got, " "), want)
	}
}

func TestPlainTicks(t *testing.T) {
	var got []string
	for _, tk := range plainTicks(0, 5000) {
		if tk.Label != "" {
			got = append(got, tk.Label)
		}
	}
	if want := "0 2500 5000"; strings.Join(got, " ") != want {
		t.Errorf("ticks %q, want %q", strings.Join(got, " "), want)
	}
}

func TestSelectScenarios(t *testing.T) {
	names := func(scs []scenario) string {
		var n []string
		for _, sc := range scs {
			n = append(n, sc.Name)
		}
		return strings.Join(n, ",")
	}
	for spec, want := range map[string]string{
		"all":           "small,large,level19",
		"level19,small": "small,level19",
		"large, large":  "large",
		"small,all":     "small,large,level19",
	} {
		got, err := selectScenarios(spec)
		if err != nil || names(got) != want {
			t.Errorf("selectScenarios(%q) = %s, %v; want %s", spec, names(got), err, want)
		}
	}
	for _, bad := range []string{"", "medium", "small,"} {
		if _, err := selectScenarios(bad); err == nil {
			t.Errorf("selectScenarios(%q) accepted", bad)
		}
	}
}

// The presets: the short one is lighter than the full one in every
// scenario, and each scenario sets what makes it what it is.
func TestScenarioPresets(t *testing.T) {
	for _, sc := range scenarios {
		short, full := flagMap(t, sc.Short.Flags), flagMap(t, sc.Full.Flags)
		if sc.Short.Rounds < minVerdictRounds || sc.Full.Rounds < sc.Short.Rounds {
			t.Errorf("%s: rounds short %d, full %d", sc.Name, sc.Short.Rounds, sc.Full.Rounds)
		}
		if sc.Short.Rounds%2 != 0 || sc.Full.Rounds%2 != 0 {
			t.Errorf("%s: rounds short %d, full %d: an odd number lets one variant run first more often", sc.Name, sc.Short.Rounds, sc.Full.Rounds)
		}
		if atoi(t, short["-producers"])*atoi(t, short["-messages"]) >= atoi(t, full["-producers"])*atoi(t, full["-messages"]) {
			t.Errorf("%s: the short preset sends no fewer messages than the full one", sc.Name)
		}
		for k := range full {
			if k != "-producers" && k != "-messages" && short[k] != full[k] {
				t.Errorf("%s: %s is %q in the short preset, %q in the full one: only the volume may differ", sc.Name, k, short[k], full[k])
			}
		}
	}
	large, l19 := flagMap(t, scenarioByName("large").Full.Flags), flagMap(t, scenarioByName("level19").Full.Flags)
	// Up to in-flight messages of a producer spread over the partitions
	// make a batch: 256 KiB to 1 MiB uncompressed.
	perBatch := atoi(t, large["-in-flight"]) / atoi(t, large["-partitions"]) * atoi(t, large["-value-size"])
	if perBatch < 256<<10 || perBatch > 1<<20 {
		t.Errorf("large: batches of up to %d bytes, want 256 KiB-1 MiB", perBatch)
	}
	if l19["-level"] != "19" || l19["-producers"] != "100" || l19["-value-size"] != "16000" {
		t.Errorf("level19 flags %v: the issue's case is 100 producers, 16 KB values, level 19", l19)
	}
}

// Every variant waits the same idle time; only the fork gets an idle
// limit, short enough for its encoders to be dropped within the wait (at
// most a quarter of the idle time after it expires), and flags given to
// compare come last, so that they win.
func TestLoadgenArgs(t *testing.T) {
	if idleWait < forkMaxIdleTime*5/4+250*time.Millisecond {
		t.Errorf("idle wait %v leaves the fork's pool (idle time %v) no margin to drop its encoders", idleWait, forkMaxIdleTime)
	}
	fork := strings.Join(loadgenArgs("fork", "-producers 3", []string{"-producers", "4"}), " ")
	if want := "-producers 3 -idle-wait 2s -max-idle-time 1s -producers 4"; fork != want {
		t.Errorf("fork args %q, want %q", fork, want)
	}
	for _, v := range []string{"upstream", "legacy"} {
		args := strings.Join(loadgenArgs(v, "-producers 3", nil), " ")
		if want := "-producers 3 -idle-wait 2s"; args != want {
			t.Errorf("%s args %q, want %q", v, args, want)
		}
	}
}

func TestTaggedLine(t *testing.T) {
	got := string(taggedLine([]byte(`{"variant":"fork","msgs_per_s":1}`+"\n"), runTag{"s1", "large", 2, 1}))
	if want := `{"session":"s1","scenario":"large","round":2,"place":1,"variant":"fork","msgs_per_s":1}` + "\n"; got != want {
		t.Errorf("tagged line %q, want %q", got, want)
	}
	if got := string(taggedLine([]byte(`{}`), runTag{"s1", "small", 1, 2})); got != `{"session":"s1","scenario":"small","round":1,"place":2}`+"\n" {
		t.Errorf("tagged empty object %q", got)
	}
}

// stability reads the runs file back and judges windows of N rounds of
// each session: here the throughput of the second session's first two
// rounds is the opposite of the first session's.
func TestStability(t *testing.T) {
	var lines []string
	add := func(session string, round int, fork, upstream float64) {
		for place, v := range roundOrder([]string{"fork", "upstream"}, round) {
			msgs := fork
			if v == "upstream" {
				msgs = upstream
			}
			lines = append(lines, fmt.Sprintf(`{"session":%q,"scenario":"small","round":%d,"place":%d,"variant":%q,"msgs_per_s":%v,"alloc_bytes":%v}`,
				session, round, place+1, v, msgs, map[string]float64{"fork": 50, "upstream": 100}[v]))
		}
	}
	for r, x := range []float64{110, 120, 90, 130} {
		add("a", r+1, x, 100)
	}
	for r, x := range []float64{80, 90, 120, 105} {
		add("b", r+1, x, 100)
	}
	lines = append(lines, `{"scenario":"small","round":1,"variant":"fork","msgs_per_s":1}`) // no session: ignored
	path := filepath.Join(t.TempDir(), "runs.jsonl")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := stability(&b, path); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"2 sessions (a, b)",
		"| small | 2 | 4 | 2 faster, 1 slower, 1 none !! | 4 no ratio | 4 less |",
		"| small | 4 | 2 | 2 none | 2 no ratio | 2 less |",
		// 5 of 8 rounds faster, 3 slower: 2 (5/8)^2 (3/8)^2.
		"| small | throughput | 5 of 8 | 3 | 11% | 0.6% | 0.033% | 0.0018% |",
		"| small | bytes allocated | 0 of 8 | 8 | 0 | 0 | 0 | 0 |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stability lacks %q:\n%s", want, out)
		}
	}
}

func flagMap(t *testing.T, flags string) map[string]string {
	t.Helper()
	f := strings.Fields(flags)
	if len(f)%2 != 0 {
		t.Fatalf("flags %q are not name-value pairs", flags)
	}
	m := map[string]string{}
	for i := 0; i < len(f); i += 2 {
		m[f[i]] = f[i+1]
	}
	return m
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return n
}

func TestForkModfileAddsOnlyTheReplace(t *testing.T) {
	root := t.TempDir()
	mod := "module example\n\ngo 1.26\n\nrequire github.com/IBM/sarama v1.61.1\n"
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte(mod), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "go.sum"), []byte("sums\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	path, err := writeForkModfile(root)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(got), mod) || !strings.HasSuffix(string(got), forkReplace(root)+"\n") {
		t.Errorf("fork.mod:\n%s", got)
	}
	if sum, _ := os.ReadFile(filepath.Join(root, "build", "fork.sum")); string(sum) != "sums\n" {
		t.Errorf("fork.sum is not a copy of go.sum: %q", sum)
	}
	if !filepath.IsAbs(strings.TrimPrefix(forkReplace(root), "replace github.com/IBM/sarama => ")) {
		t.Error("the replace path must be absolute: -modfile resolves relative paths against the module root")
	}

	// A go.mod that already replaces something is refused, not doubled.
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte(mod+"\nreplace a => ./b\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := writeForkModfile(root); err == nil {
		t.Error("go.mod with a replace accepted")
	}
}
