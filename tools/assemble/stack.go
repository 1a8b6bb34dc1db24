package main

import (
	"fmt"
	"regexp"
	"strings"
)

// The change is offered upstream as a stack of pull requests that Sarama's
// maintainers can merge one at a time: Sarama squash-merges each into one
// commit and labels it by size, so each is small and stands alone. A pull
// request is one step of series.go; its tree is upstream plus, for every
// step of its chain (itself, the step it is made on, and so on down to
// upstream), the overlay files the step brings and the edits whose Step it
// is, each overlay file without the parts of steps outside the chain
// (derive.go).

// prStep is one pull request of the stack, or a slot: what the fork carries
// and the stack does not offer.
type prStep struct {
	ID      string // names the step in edits.go (Edit.Step), the results and the texts
	Slug    string // the pull request's directory, build/pr/<n>-<slug>/
	Subject string // conventional: type(scope): summary
	Body    string // the commit message's body: paragraphs, refilled at 72
	// OnUpstream makes the pull request on upstream as published instead
	// of on the one before it in the list: it is independent of the stack.
	OnUpstream bool
	// Overlay lists the files of _overlay/ the step brings, tests included.
	Overlay []string
	// Parts are the pieces the step adds to files that steps of its chain
	// brought (derive.go).
	Parts []prPart
	// API lists the exported identifiers the step adds, as apiOf names
	// them ("T", "T.Field", "T.Method", "Config.Producer.Zstd"): the stack
	// refuses a pull request whose new API differs.
	API []string
	// Bench is how make pr-bench measures the pull request against its base.
	Bench prBench
	// Slot marks what the fork carries and upstream should not get: its
	// files and parts are in no pull request. Why says why.
	Slot bool
	// Why is one line: for a pull request, what it is for (the stack's
	// index); for a slot, why it is not offered.
	Why string
}

// prBench is how make pr-bench measures one pull request inside the upstream
// tree, against its base.
type prBench struct {
	// Files are test files of the pull request that build on its base too:
	// laid over the base for the "before" binary. Empty: the base's own.
	Files []string
	// Regexp selects the benchmarks run before and after, in alternating
	// rounds, and compared by benchstat. Empty: no comparison.
	Regexp string
	// After selects benchmarks run on the pull request alone, for figures
	// the base cannot give.
	After string
	// Suite also runs the package's whole test suite under -race on the
	// base and on the pull request.
	Suite bool
}

// prBaseUpstream names the base of a pull request made on upstream.
const prBaseUpstream = "upstream"

// prSlugForm is the form of a slug: a directory name that sorts after its number.
var prSlugForm = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// conventionalSubject is the form of upstream's recent commit subjects:
// type(scope): summary, in lower case, without a final period.
var conventionalSubject = regexp.MustCompile(`^(feat|fix|perf|refactor|test|docs|build|chore)(\([a-z0-9-]+\))?: [a-z][^\n]*[^.\n]$`)

// prStack is the steps of series.go with the relations between them.
type prStack struct {
	steps   []prStep
	index   map[string]int    // step ID -> position in steps
	owner   map[string]string // overlay file -> the step that brings it
	base    map[string]string // offered step ID -> the step it is made on, or prBaseUpstream
	number  map[string]int    // offered step ID -> its pull request's number, from 1
	offered []prStep          // in order
}

// newStack checks the steps and the edits against each other and returns
// the stack: steps and slugs named once, conventional subjects of at most
// 72 characters, each overlay file brought by one step, each part adding to
// a file of the step's own chain, each edit naming a step.
func newStack(steps []prStep, es []Edit) (*prStack, error) {
	st := &prStack{
		steps:  steps,
		index:  make(map[string]int, len(steps)),
		owner:  make(map[string]string),
		base:   make(map[string]string),
		number: make(map[string]int),
	}
	slugs := make(map[string]bool)
	prev := prBaseUpstream
	for i, s := range steps {
		if _, dup := st.index[s.ID]; dup || s.ID == "" || s.ID == prBaseUpstream {
			return nil, fmt.Errorf("series: step %q is unnamed, reserved or named twice", s.ID)
		}
		st.index[s.ID] = i
		if s.Slot {
			continue
		}
		if !conventionalSubject.MatchString(s.Subject) || len(s.Subject) > 72 {
			return nil, fmt.Errorf("series: step %s: subject %q is not a conventional commit subject of at most 72 characters", s.ID, s.Subject)
		}
		if !prSlugForm.MatchString(s.Slug) || slugs[s.Slug] {
			return nil, fmt.Errorf("series: step %s: slug %q is not a lower-case directory name used once", s.ID, s.Slug)
		}
		slugs[s.Slug] = true
		st.offered = append(st.offered, s)
		st.number[s.ID] = len(st.offered)
		st.base[s.ID] = prev
		if s.OnUpstream {
			st.base[s.ID] = prBaseUpstream
		}
		prev = s.ID
	}
	for _, s := range steps {
		for _, f := range s.Overlay {
			if prev, dup := st.owner[f]; dup {
				return nil, fmt.Errorf("series: %s is brought by steps %s and %s", f, prev, s.ID)
			}
			st.owner[f] = s.ID
		}
	}
	for _, s := range steps {
		chain := st.chain(s.ID)
		for _, p := range s.Parts {
			if err := p.validate(); err != nil {
				return nil, fmt.Errorf("series: step %s: %v", s.ID, err)
			}
			owner, ok := st.owner[p.File]
			switch {
			case !ok:
				return nil, fmt.Errorf("series: step %s: part %s is in a file no step brings", s.ID, p)
			case owner == s.ID:
				return nil, fmt.Errorf("series: step %s: part %s is in a file the step brings itself", s.ID, p)
			case s.Slot && steps[st.index[owner]].Slot:
				return nil, fmt.Errorf("series: slot %s: part %s is in a file of a slot, which no pull request ships", s.ID, p)
			case !s.Slot && !chain[owner]:
				return nil, fmt.Errorf("series: step %s: part %s is in a file of step %s, which is not in its chain", s.ID, p, owner)
			}
		}
	}
	for _, e := range es {
		if _, ok := st.index[e.Step]; !ok {
			return nil, fmt.Errorf("series: edit %s names step %q, which is not in series.go", e, e.Step)
		}
	}
	return st, nil
}

// chain is the set of steps whose files and edits the tree of step id
// holds: itself and its bases down to upstream. A slot's chain is itself.
func (st *prStack) chain(id string) map[string]bool {
	in := make(map[string]bool)
	for id != prBaseUpstream && !in[id] {
		in[id] = true
		b, ok := st.base[id]
		if !ok {
			break
		}
		id = b
	}
	return in
}

// removedParts are the parts of file that a tree of chain does not hold, in
// the order they are taken out: the latest step's first, and within a step
// the last listed first, so that a piece inside another goes before it.
func (st *prStack) removedParts(file string, chain map[string]bool) []prPart {
	var out []prPart
	for i := len(st.steps) - 1; i >= 0; i-- {
		s := st.steps[i]
		if chain[s.ID] {
			continue
		}
		for j := len(s.Parts) - 1; j >= 0; j-- {
			if s.Parts[j].File == file {
				out = append(out, s.Parts[j])
			}
		}
	}
	return out
}

// dirName is the directory of an offered step's pull request.
func (st *prStack) dirName(id string) string {
	return fmt.Sprintf("%d-%s", st.number[id], st.steps[st.index[id]].Slug)
}

// commitMessage is a step's message, signed off by author.
func (s prStep) commitMessage(author string) string {
	msg := s.Subject + "\n"
	if body := refill(s.Body, 72); body != "" {
		msg += "\n" + body
	}
	return msg + "\nSigned-off-by: " + author + "\n"
}

// refill refills the paragraphs of text (separated by blank lines) to lines
// of at most width characters, but for words longer than that.
func refill(text string, width int) string {
	var b strings.Builder
	for _, para := range strings.Split(strings.TrimSpace(text), "\n\n") {
		words := strings.Fields(para)
		if len(words) == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		line := 0
		for _, w := range words {
			switch {
			case line == 0:
			case line+1+len(w) > width:
				b.WriteString("\n")
				line = 0
			default:
				b.WriteString(" ")
				line++
			}
			b.WriteString(w)
			line += len(w)
		}
		b.WriteString("\n")
	}
	return b.String()
}
