package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
		"upstream": {{"msgs_per_s": 10.0, "encoders_created": nil}},
	}
	s := summarise([]string{"fork", "upstream"}, runs)
	if got := s.Medians["msgs_per_s"]["fork"]; got != 20 {
		t.Errorf("fork throughput median %v, want 20", got)
	}
	if got := s.Medians["encoders_created"]["upstream"]; !math.IsNaN(got) {
		t.Errorf("upstream encoders created %v, want absent", got)
	}
	var b strings.Builder
	s.writeTable(&b)
	if !strings.Contains(b.String(), "fork/upstream") || !strings.Contains(b.String(), "2.00") {
		t.Errorf("table lacks the ratio column or the ratio 2.00:\n%s", b.String())
	}
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
