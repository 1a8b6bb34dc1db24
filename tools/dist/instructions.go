package main

import (
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"
)

// writeInstructions tells the publisher what happened and a consumer what
// to write: the upstream release to require and the replace line, the
// environment of the go command, and the go.sum lines the build will
// record. fallback is the GOPROXY the consumer already uses (the
// publisher's go env GOPROXY); the proxy directory is put in front of it,
// so every other module still comes from there.
//
// The lines meant to be copied are indented by a tab, one setting a line.
func writeInstructions(w io.Writer, res Result, fallback string) error {
	var b strings.Builder
	writeOutcome(&b, res)
	fmt.Fprintf(&b, "\nIn the consumer's module, require the upstream release the fork is made from\n")
	fmt.Fprintf(&b, "(another release there would run this fork's code under its name):\n\n")
	writeConsumerLines(&b, res)
	fmt.Fprintf(&b, "\ngo list -m %s then shows %s %s => %s %s.\n", res.Fork.ModulePath, res.Fork.ModulePath, res.Fork.Upstream, res.Target.Path, res.Target.Version)
	writeEnvironment(&b, res, fallback)
	fmt.Fprintf(&b, "go.sum will pin it as:\n\n")
	writeSums(&b, res)
	_, err := io.WriteString(w, b.String())
	return err
}

// writeAllInstructions is writeInstructions for the forks of several
// releases published into one proxy directory (make dist ALL=1).
func writeAllInstructions(w io.Writer, results []Result, fallback string) error {
	var b strings.Builder
	for _, res := range results {
		writeOutcome(&b, res)
	}
	last := results[len(results)-1]
	fmt.Fprintf(&b, "\nIn a consumer's module, require the upstream release it uses, one of the above,\n")
	fmt.Fprintf(&b, "and replace it with that release's fork; for %s:\n\n", last.Fork.Upstream)
	writeConsumerLines(&b, last)
	writeEnvironment(&b, last, fallback)
	fmt.Fprintf(&b, "go.sum will pin them as:\n\n")
	for _, res := range results {
		writeSums(&b, res)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeOutcome(b *strings.Builder, res Result) {
	what := map[Outcome]string{
		Written:     "published",
		Unchanged:   "already published with this content, left as it was",
		Overwritten: "published, replacing other content (-overwrite)",
	}[res.Outcome]
	fmt.Fprintf(b, "%s %s: %s in %s\n", res.Target.Path, res.Target.Version, what, res.Root)
	fmt.Fprintf(b, "(%s@%s with sarama-zstd %s)\n", res.Fork.ModulePath, res.Fork.Upstream, res.Fork.Commit)
}

// writeConsumerLines writes the go get command and the go.mod replace line.
func writeConsumerLines(b *strings.Builder, res Result) {
	fmt.Fprintf(b, "\tgo get %s@%s\n", res.Fork.ModulePath, res.Fork.Upstream)
	fmt.Fprintf(b, "\treplace %s => %s %s\n", res.Fork.ModulePath, res.Target.Path, res.Target.Version)
}

func writeEnvironment(b *strings.Builder, res Result, fallback string) {
	root := res.Root
	proxy := consumerGOPROXY(fileURL(root), fallback)
	fmt.Fprintf(b, "\nBuild it with this environment (GONOSUMDB: the public checksum database cannot know %s):\n\n", res.Target.Path)
	fmt.Fprintf(b, "\tGOPROXY=%s\n", proxy)
	fmt.Fprintf(b, "\tGONOSUMDB=%s\n\n", res.Target.Path)
	fmt.Fprintf(b, "Where %s is served by a module proxy, put its URL in place of %s.\n", root, fileURL(root))
}

func writeSums(b *strings.Builder, res Result) {
	fmt.Fprintf(b, "\t%s %s %s\n", res.Target.Path, res.Target.Version, res.ZipHash)
	fmt.Fprintf(b, "\t%s %s/go.mod %s\n", res.Target.Path, res.Target.Version, res.ModHash)
}

// consumerGOPROXY puts the proxy directory's URL in front of the GOPROXY
// list the consumer uses, unless the list has it already.
func consumerGOPROXY(dirURL, fallback string) string {
	if fallback == "" {
		return dirURL
	}
	for _, p := range strings.FieldsFunc(fallback, func(r rune) bool { return r == ',' || r == '|' }) {
		if p == dirURL {
			return fallback
		}
	}
	return dirURL + "," + fallback
}

// fileURL is the file:// URL of the directory dir, as GOPROXY takes it:
// escaped, commas and bars included, which would split the GOPROXY list.
func fileURL(dir string) string {
	p := filepath.ToSlash(dir)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive letter: file:///C:/...
	}
	u := (&url.URL{Scheme: "file", Path: p}).String()
	return strings.NewReplacer(",", "%2C", "|", "%7C").Replace(u)
}
