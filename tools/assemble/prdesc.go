package main

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/template"
)

// prTexts are the templates of the texts make pr writes: prtext/<step ID>.md
// for each PR.md, index.md for the stack's README.md, discussion.md for
// DISCUSSION.md, and common.md for what they share.
//
//go:embed prtext/*.md
var prTexts embed.FS

// prResults are the measurements of make pr-bench (prbench.go), one per pull
// request, made inside the upstream tree on the pull request and its base.
// They are kept in the repository, so that make pr needs no measurement of
// its own; each PR.md quotes its own, with the commands that produced them,
// and nothing else: no figure of the texts is written by hand.
type prResults struct {
	Steps map[string]*prResult `json:"steps"` // by step ID
}

// prResult is what make pr-bench measured of one pull request.
type prResult struct {
	Date    string // of the measurement, UTC
	Commit  string // of this repository, the sources measured
	Machine prMachine
	// Tree and BaseTree are the git trees of the pull request and its base
	// when measured: a PR.md is refused if either has changed since.
	Tree     string
	BaseTree string
	Base     string  // what "before" is, in words
	Bench    *prRun  `json:",omitempty"` // the pull request's benchmarks, before and after
	After    *prRun  `json:",omitempty"` // benchmarks of the pull request alone
	Race     []prRun // tests under the race detector
}

type prMachine struct {
	CPU        string // lscpu's model name
	CPUs       int
	GOMAXPROCS int
	Go         string // go version
	OSArch     string
}

// prRun is one measurement: the commands a maintainer runs in the upstream
// tree, and what they printed (trimmed).
type prRun struct {
	What     string
	Commands string
	Output   string
}

// readResults reads the measurements; a missing file is an empty set.
func readResults(path string) (*prResults, error) {
	r := &prResults{Steps: make(map[string]*prResult)}
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return r, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, r); err != nil {
		return nil, fmt.Errorf("%s: %v (run make pr-bench again)", path, err)
	}
	if r.Steps == nil {
		r.Steps = make(map[string]*prResult)
	}
	return r, nil
}

func writeResults(path string, r *prResults) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

// fresh returns the measurements of b if they were made on its present tree
// and base.
func (r *prResults) fresh(b *prBuilt) *prResult {
	if r == nil {
		return nil
	}
	m := r.Steps[b.Step.ID]
	if m == nil || m.Tree != b.Tree || m.BaseTree != b.BaseTree {
		return nil
	}
	return m
}

// stale lists the pull requests whose measurements are missing or were made
// on another tree.
func (r *prResults) stale(s *prStackOut) []string {
	var out []string
	for i := range s.PRs {
		if r.fresh(&s.PRs[i]) == nil {
			out = append(out, filepath.Base(s.PRs[i].Dir))
		}
	}
	return out
}

// prView is a pull request as the texts see it.
type prView struct {
	N          int
	Step       prStep
	Dir        string // <n>-<slug>
	Base       string // what it applies to, in words
	OnUpstream bool
	Size       prSize
	API        []string
	R          *prResult // nil in the index for a stale one
}

// prTextData is what every template is given.
type prTextData struct {
	Module, Version string
	MaxLines        int
	PR              prView   // the pull request of a PR.md
	Stack           []prView // every pull request, in order
	Slots           []prStep // what the stack does not offer
}

// writeTexts writes into dir the stack's README.md and DISCUSSION.md and,
// into each pull request's directory, its PR.md. A PR.md whose
// measurements are missing or stale is not written, and is reported.
func writeTexts(dir string, o PROptions, st *prStack, out *prStackOut, r *prResults) error {
	texts := o.Texts
	if texts == nil {
		sub, err := fs.Sub(prTexts, "prtext")
		if err != nil {
			return err
		}
		texts = sub
	}
	tmpl, err := template.New("").Funcs(template.FuncMap{
		"indent": func(s string) string { return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ") },
		// cell escapes the pipes of a Markdown table cell, code spans too.
		"cell": func(s string) string { return strings.ReplaceAll(s, "|", `\|`) },
		"code": func(ids []string) string {
			if len(ids) == 0 {
				return "none"
			}
			return "`" + strings.Join(ids, "`, `") + "`"
		},
	}).ParseFS(texts, "*.md")
	if err != nil {
		return fmt.Errorf("pull request texts: %v", err)
	}
	data := prTextData{Module: o.Upstream.Module, Version: o.Upstream.Version, MaxLines: prMaxLines}
	for i := range out.PRs {
		b := &out.PRs[i]
		v := prView{N: b.N, Step: b.Step, Dir: filepath.Base(b.Dir), OnUpstream: b.Step.OnUpstream, Size: b.Size, API: b.API, R: r.fresh(b)}
		if b.BaseID == prBaseUpstream {
			v.Base = o.Upstream.Module + " " + o.Upstream.Version
		} else {
			base := out.byID(b.BaseID)
			v.Base = fmt.Sprintf("pull request %d (%s)", base.N, base.Step.Subject)
		}
		data.Stack = append(data.Stack, v)
	}
	for _, s := range st.steps {
		if s.Slot {
			data.Slots = append(data.Slots, s)
		}
	}
	render := func(name, path string, d prTextData) error {
		var b strings.Builder
		if err := tmpl.ExecuteTemplate(&b, name, d); err != nil {
			return fmt.Errorf("pull request texts: %v", err)
		}
		return os.WriteFile(path, []byte(b.String()), 0o644)
	}
	var problems []error
	for _, v := range data.Stack {
		if tmpl.Lookup(v.Step.ID+".md") == nil {
			problems = append(problems, fmt.Errorf("pull request %d: no text tools/assemble/prtext/%s.md", v.N, v.Step.ID))
			continue
		}
		if v.R == nil {
			problems = append(problems, fmt.Errorf("%s/%s not written: the measurements in %s are missing or of another tree (run make pr-bench, which measures only those)", v.Dir, prDescriptionName, o.Results))
			continue
		}
		d := data
		d.PR = v
		if err := render(v.Step.ID+".md", filepath.Join(dir, v.Dir, prDescriptionName), d); err != nil {
			return err
		}
	}
	if err := render("index.md", filepath.Join(dir, prIndexName), data); err != nil {
		return err
	}
	if len(data.Stack) > 0 && data.Stack[0].R != nil {
		d := data
		d.PR = data.Stack[0]
		if err := render("discussion.md", filepath.Join(dir, prDiscussionName), d); err != nil {
			return err
		}
	}
	return errors.Join(problems...)
}
