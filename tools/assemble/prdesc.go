package main

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"text/template"
)

//go:embed pr-description.md
var prTemplate string

// prResults are the measurements of make pr-bench (prbench.go), made inside
// the upstream tree with the series applied. PR.md quotes them with the
// commands that produced them, and nothing else: no figure of the
// description is written by hand.
type prResults struct {
	// Tree is the git tree of the series' last commit when measured: PR.md
	// is refused if the series has changed since.
	Tree    string
	Date    string // of the measurement, UTC
	Machine prMachine
	// Commits names the commits measured, "before" and "after", as
	// "HEAD~n" in the series and by subject.
	Commits []prCommit
	Bench   prRun   // BenchmarkZstdMemoryConsumption and BenchmarkZstdCompressParallel, before and after
	First   prRun   // BenchmarkZstdFirstCompression, after
	Race    []prRun // test timings under the race detector
}

type prMachine struct {
	CPU        string // lscpu's model name
	CPUs       int
	GOMAXPROCS int
	Go         string // go version
	OSArch     string
}

type prCommit struct {
	Name    string // "before", "after"
	Ref     string // HEAD~n, relative to the series' last commit
	Subject string
}

// prRun is one measurement: the commands a maintainer runs, in the upstream
// tree with the series applied, and what they printed (trimmed).
type prRun struct {
	What     string
	Commands string
	Output   string
}

// readResults reads the measurements, or says how to make them.
func readResults(path string) (*prResults, error) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, fmt.Errorf("PR.md quotes the measurements of make pr-bench, and %s is missing: run make pr-bench (about 20 minutes on 2 cores), then make pr again", path)
	}
	if err != nil {
		return nil, err
	}
	var r prResults
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%s: %v (run make pr-bench again)", path, err)
	}
	if r.Tree == "" || r.Bench.Output == "" || r.First.Output == "" || len(r.Race) == 0 {
		return nil, fmt.Errorf("%s lacks measurements (run make pr-bench again)", path)
	}
	return &r, nil
}

func writeResults(path string, r *prResults) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

// prStepView is a commit as the description lists it.
type prStepView struct {
	N int
	prStep
}

// writePRDescription renders the description template with the series and
// the measurements, which must have been made on this very series.
func writePRDescription(path string, o PROptions, steps []prStep, r *prResults, tree string) error {
	if r.Tree != tree {
		return fmt.Errorf("the measurements in %s were made on another series (tree %s; the series is now %s): run make pr-bench again, then make pr", o.Results, r.Tree, tree)
	}
	text := o.Template
	if text == "" {
		text = prTemplate
	}
	tmpl, err := template.New(prDescriptionName).Funcs(template.FuncMap{
		"indent": func(s string) string { return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ") },
		// cell escapes the pipes of a Markdown table cell, code spans too.
		"cell": func(s string) string { return strings.ReplaceAll(s, "|", `\|`) },
	}).Parse(text)
	if err != nil {
		return fmt.Errorf("pull request template: %v", err)
	}
	views := make([]prStepView, len(steps))
	for i, s := range steps {
		views[i] = prStepView{i + 1, s}
	}
	var b strings.Builder
	err = tmpl.Execute(&b, struct {
		Module, Version string
		Steps           []prStepView
		R               *prResults
	}{o.Upstream.Module, o.Upstream.Version, views, r})
	if err != nil {
		return fmt.Errorf("pull request template: %v", err)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
