// Package doccheck checks that the repository's documents are true to the
// repository: every relative link and image of its Markdown files names a
// file it holds (and a heading, for a link with a fragment), every `make
// TARGET` they show is a target of the Makefile, and every pointer to a
// section ("Versions" in docs/adopting.md) names a heading of that file.
// Its test runs the check on this repository as part of make test.
package doccheck

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// A Problem is one false statement: where it is, and what is wrong.
type Problem struct {
	File string // relative to the repository root, slash-separated
	Line int
	Msg  string
}

func (p Problem) String() string { return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg) }

// Skipped are Markdown files not checked, with the reason.
var Skipped = map[string]string{}

// skippedDirs hold Markdown files that are not this repository's documents:
// templates rendered into other trees.
var skippedDirs = map[string]string{
	"tools/assemble/prtext/": "the templates of build/pr's texts, whose links are build/pr's and upstream's",
}

// pointerFiles are the files besides the Markdown ones whose comments
// point to sections of the documents.
var pointerFiles = []string{"Makefile", "upstream.pin", ".ci/run"}

// inSkippedDir reports whether f is under one of skippedDirs.
func inSkippedDir(f string) bool {
	for dir := range skippedDirs {
		if strings.HasPrefix(f, dir) {
			return true
		}
	}
	return false
}

// Check checks the repository at root: its Markdown files outside build/,
// _overlay/ (laid into another tree) and skippedDirs, and the
// section pointers of pointerFiles.
func Check(root string) ([]Problem, error) {
	files, err := repoFiles(root)
	if err != nil {
		return nil, err
	}
	targets, err := makeTargets(filepath.Join(root, "Makefile"))
	if err != nil {
		return nil, err
	}
	c := &checker{root: root, files: files, targets: targets, docs: map[string]*doc{}}
	var problems []Problem
	for _, f := range files {
		if !strings.HasSuffix(f, ".md") || Skipped[f] != "" || inSkippedDir(f) ||
			strings.HasPrefix(f, "build/") || strings.HasPrefix(f, "_overlay/") {
			continue
		}
		d, err := c.doc(f)
		if err != nil {
			return nil, err
		}
		problems = append(problems, c.checkDoc(d)...)
	}
	for _, f := range pointerFiles {
		if !slices.Contains(files, f) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			return nil, err
		}
		lines := strings.Split(string(b), "\n")
		for i := range lines {
			lines[i] = commentText(lines[i])
		}
		problems = append(problems, c.checkPointers(f, lines)...)
	}
	return problems, nil
}

// repoFiles lists the repository's files, slash-separated: those git
// tracks or would track (not ignored), or without git every file outside
// build/ and .git.
func repoFiles(root string) ([]string, error) {
	out, err := exec.Command("git", "-C", root, "ls-files", "--cached", "--others", "--exclude-standard", "-z").Output()
	if err == nil {
		var files []string
		for _, f := range strings.Split(string(out), "\x00") {
			if f != "" {
				if _, err := os.Stat(filepath.Join(root, f)); err == nil { // not deleted
					files = append(files, f)
				}
			}
		}
		slices.Sort(files)
		return files, nil
	}
	var files []string
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() && (rel == "build" || rel == ".git") {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			files = append(files, rel)
		}
		return nil
	})
	return files, err
}

// makeTargets are the explicit targets of a Makefile: the names before a
// rule's colon (not a variable's := or ::=), special targets left out.
func makeTargets(makefile string) (map[string]bool, error) {
	f, err := os.Open(makefile)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rule := regexp.MustCompile(`^([A-Za-z0-9_./%-]+(?:[ \t]+[A-Za-z0-9_./%-]+)*)[ \t]*::?([^=]|$)`)
	targets := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m := rule.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		for _, t := range strings.Fields(m[1]) {
			if !strings.HasPrefix(t, ".") {
				targets[t] = true
			}
		}
	}
	if len(targets) == 0 {
		return nil, errors.New(makefile + ": no targets found")
	}
	return targets, sc.Err()
}

type checker struct {
	root    string
	files   []string
	targets map[string]bool
	docs    map[string]*doc
}

// doc is a Markdown file split into its lines, each with its prose (code
// spans removed) and its code (fenced and indented blocks, code spans).
type doc struct {
	name     string
	prose    []string
	code     [][]string // per line: code spans, or the whole line in a block
	headings map[string]bool
	titles   map[string]bool // heading texts, lower case, for section pointers
}

func (c *checker) doc(name string) (*doc, error) {
	if d := c.docs[name]; d != nil {
		return d, nil
	}
	b, err := os.ReadFile(filepath.Join(c.root, name))
	if err != nil {
		return nil, err
	}
	d := parse(name, string(b))
	c.docs[name] = d
	return d, nil
}

var (
	codeSpan = regexp.MustCompile("`+[^`]*`+")
	heading  = regexp.MustCompile(`^#{1,6}[ \t]+(.*?)[ \t#]*$`)
)

func parse(name, text string) *doc {
	d := &doc{name: name, headings: map[string]bool{}, titles: map[string]bool{}}
	lines := strings.Split(text, "\n")
	fence := ""
	prevBlank, inIndented := true, false
	slugs := map[string]int{}
	for _, line := range lines {
		trimmed := strings.TrimSpace(line)
		switch {
		case fence != "":
			if strings.HasPrefix(trimmed, fence) {
				fence = ""
			}
			d.prose, d.code = append(d.prose, ""), append(d.code, []string{line})
			continue
		case strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~"):
			fence = trimmed[:3]
			d.prose, d.code = append(d.prose, ""), append(d.code, nil)
			continue
		}
		indented := strings.HasPrefix(line, "    ") || strings.HasPrefix(line, "\t")
		if indented && trimmed != "" && (prevBlank || inIndented) {
			inIndented = true
			d.prose, d.code = append(d.prose, ""), append(d.code, []string{line})
			prevBlank = false
			continue
		}
		inIndented = inIndented && trimmed == ""
		prevBlank = trimmed == ""
		d.code = append(d.code, codeSpan.FindAllString(line, -1))
		d.prose = append(d.prose, codeSpan.ReplaceAllString(line, "``"))
		if m := heading.FindStringSubmatch(line); m != nil {
			title := headingText(m[1])
			d.titles[strings.ToLower(title)] = true
			s := slug(title)
			if n := slugs[s]; n > 0 {
				d.headings[fmt.Sprintf("%s-%d", s, n)] = true
			} else {
				d.headings[s] = true
			}
			slugs[s]++
		}
	}
	return d
}

var inlineLink = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)

// headingText is a heading as rendered: links by their text, no backticks
// or emphasis.
func headingText(h string) string {
	h = inlineLink.ReplaceAllString(h, "$1")
	return strings.NewReplacer("`", "", "*", "").Replace(strings.TrimSpace(h))
}

// slug is GitHub's anchor for a heading: lower case, letters, digits,
// spaces as hyphens, hyphens and underscores kept, everything else dropped.
func slug(title string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(title) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteRune('-')
		}
	}
	return b.String()
}

var (
	linkTarget = regexp.MustCompile(`\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)`)
	refDef     = regexp.MustCompile(`^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?`)
	htmlRef    = regexp.MustCompile(`(?:src|href)\s*=\s*"([^"]*)"`)
	scheme     = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:`)
	makeCmd    = regexp.MustCompile(`(?:^|[\s;&|(` + "`" + `])make(?:\s+(.*))?$`)
)

func (c *checker) checkDoc(d *doc) []Problem {
	var problems []Problem
	add := func(line int, format string, args ...any) {
		problems = append(problems, Problem{d.name, line + 1, fmt.Sprintf(format, args...)})
	}
	for i, prose := range d.prose {
		var targets []string
		for _, m := range linkTarget.FindAllStringSubmatch(prose, -1) {
			targets = append(targets, m[1])
		}
		for _, re := range []*regexp.Regexp{refDef, htmlRef} {
			for _, m := range re.FindAllStringSubmatch(prose, -1) {
				targets = append(targets, m[1])
			}
		}
		for _, t := range targets {
			if msg := c.checkLink(d, t); msg != "" {
				add(i, "%s", msg)
			}
		}
		for _, code := range d.code[i] {
			for _, t := range commandTargets(strings.Trim(code, "`")) {
				if !c.targets[t] {
					add(i, "make %s: no such target in the Makefile", t)
				}
			}
		}
	}
	problems = append(problems, c.checkPointers(d.name, d.prose)...)
	return problems
}

// checkLink returns what is wrong with a link target of d, or "".
func (c *checker) checkLink(d *doc, target string) string {
	if target == "" {
		return "empty link"
	}
	if scheme.MatchString(target) {
		return "" // a URL: not this check's business
	}
	p, frag, _ := strings.Cut(target, "#")
	if unescaped, err := url.PathUnescape(p); err == nil {
		p = unescaped
	}
	file := d.name
	if p != "" {
		if strings.HasPrefix(p, "/") {
			file = path.Clean(strings.TrimPrefix(p, "/"))
		} else {
			file = path.Clean(path.Join(path.Dir(d.name), p))
		}
		if file == ".." || strings.HasPrefix(file, "../") {
			return fmt.Sprintf("link %s leaves the repository", target)
		}
		if !c.exists(file) {
			return fmt.Sprintf("link %s: %s is not in the repository", target, file)
		}
	}
	if frag == "" || !strings.HasSuffix(file, ".md") {
		return ""
	}
	td, err := c.doc(file)
	if err != nil {
		return fmt.Sprintf("link %s: %v", target, err)
	}
	if !td.headings[strings.ToLower(frag)] {
		return fmt.Sprintf("link %s: %s has no heading #%s", target, file, frag)
	}
	return ""
}

// exists reports whether the repository holds file, or a directory of
// that name.
func (c *checker) exists(file string) bool {
	if _, found := slices.BinarySearch(c.files, file); found {
		return true
	}
	return slices.ContainsFunc(c.files, func(f string) bool { return strings.HasPrefix(f, file+"/") })
}

// commandTargets are the targets of the make commands in a piece of code:
// "make", then words up to the end of the command, without variable
// assignments and flags. Quotes group words.
func commandTargets(code string) []string {
	var targets []string
	for _, line := range strings.Split(code, "\n") {
		for {
			loc := makeCmd.FindStringSubmatchIndex(line)
			if loc == nil {
				break
			}
			rest := ""
			if loc[2] >= 0 {
				rest = line[loc[2]:loc[3]]
			}
			words, after := shellWords(rest)
			for _, w := range words {
				if !strings.Contains(w, "=") && !strings.HasPrefix(w, "-") {
					targets = append(targets, w)
				}
			}
			line = after
		}
	}
	return targets
}

// shellWords splits s into words up to the end of the first command (a
// comment or ; & | ) > < outside quotes) and returns the rest of s after
// that end.
func shellWords(s string) (words []string, rest string) {
	var w strings.Builder
	inWord := false
	quote := rune(0)
	flush := func() {
		if inWord {
			words = append(words, w.String())
			w.Reset()
			inWord = false
		}
	}
	for i, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				w.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == '#' && !inWord: // a comment: nothing more on the line
			flush()
			return words, ""
		case strings.ContainsRune(";&|)><", r):
			flush()
			return words, s[i+1:]
		case unicode.IsSpace(r):
			flush()
		default:
			w.WriteRune(r)
			inWord = true
		}
	}
	flush()
	return words, ""
}

var (
	pointerIn    = regexp.MustCompile(`"([^"]+)"\s+in\s+([\w./-]+\.md)\b`)
	pointerComma = regexp.MustCompile(`([\w./-]+\.md),\s+"([^"]+)"`)
)

// checkPointers checks the pointers to a section in lines of file:
// "Section" in docs/x.md, or docs/x.md, "Section". The file is taken
// relative to the repository root, or else to file's directory; the
// section must be one of its headings (case aside). Lines are joined, so
// a pointer may span two.
func (c *checker) checkPointers(file string, lines []string) []Problem {
	var problems []Problem
	text := strings.Join(lines, "\n")
	lineOf := func(offset int) int { return strings.Count(text[:offset], "\n") + 1 }
	check := func(at int, section, target string) {
		section = strings.Join(strings.Fields(section), " ")
		resolved := target
		if !c.exists(resolved) {
			resolved = path.Join(path.Dir(file), target)
		}
		if !c.exists(resolved) {
			problems = append(problems, Problem{file, lineOf(at), fmt.Sprintf("%q in %s: no such file", section, target)})
			return
		}
		d, err := c.doc(resolved)
		if err != nil {
			problems = append(problems, Problem{file, lineOf(at), err.Error()})
			return
		}
		if !d.titles[strings.ToLower(section)] {
			problems = append(problems, Problem{file, lineOf(at), fmt.Sprintf("%q in %s: no such heading there", section, resolved)})
		}
	}
	for _, m := range pointerIn.FindAllStringSubmatchIndex(text, -1) {
		check(m[0], text[m[2]:m[3]], text[m[4]:m[5]])
	}
	for _, m := range pointerComma.FindAllStringSubmatchIndex(text, -1) {
		check(m[0], text[m[4]:m[5]], text[m[2]:m[3]])
	}
	return problems
}

// commentText is a line of a Makefile or pin file as prose: a comment's
// text, or nothing.
func commentText(line string) string {
	t := strings.TrimSpace(line)
	if !strings.HasPrefix(t, "#") {
		return ""
	}
	return strings.TrimSpace(strings.TrimLeft(t, "#"))
}
