package main

import (
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"
)

// writeInstructions tells the publisher what happened and a consumer what
// to write: the replace line, the environment of the go command, and the
// go.sum lines the build will record. fallback is the GOPROXY the consumer
// already uses (the publisher's go env GOPROXY); the proxy directory is put
// in front of it, so every other module still comes from there.
//
// The lines meant to be copied are indented by a tab, one setting a line.
func writeInstructions(w io.Writer, res Result, fallback string) error {
	root := res.Root
	var b strings.Builder
	what := map[Outcome]string{
		Written:     "published",
		Unchanged:   "already published with this content, left as it was",
		Overwritten: "published, replacing other content (-overwrite)",
	}[res.Outcome]
	fmt.Fprintf(&b, "%s %s: %s in %s\n", res.Target.Path, res.Target.Version, what, root)
	fmt.Fprintf(&b, "(%s@%s with sarama-zstd %s)\n\n", res.Fork.ModulePath, res.Fork.Upstream, res.Fork.Commit)

	fmt.Fprintf(&b, "In the consumer's go.mod, keep its require of %s (e.g. %s) and add:\n\n", res.Fork.ModulePath, res.Fork.Upstream)
	fmt.Fprintf(&b, "\treplace %s => %s %s\n\n", res.Fork.ModulePath, res.Target.Path, res.Target.Version)

	proxy := consumerGOPROXY(fileURL(root), fallback)
	fmt.Fprintf(&b, "Build it with this environment (GONOSUMDB: the public checksum database cannot know %s):\n\n", res.Target.Path)
	fmt.Fprintf(&b, "\tGOPROXY=%s\n", proxy)
	fmt.Fprintf(&b, "\tGONOSUMDB=%s\n\n", res.Target.Path)
	fmt.Fprintf(&b, "Where %s is served by a module proxy, put its URL in place of %s.\n", root, fileURL(root))
	fmt.Fprintf(&b, "go.sum will pin it as:\n\n")
	fmt.Fprintf(&b, "\t%s %s %s\n", res.Target.Path, res.Target.Version, res.ZipHash)
	fmt.Fprintf(&b, "\t%s %s/go.mod %s\n", res.Target.Path, res.Target.Version, res.ModHash)
	_, err := io.WriteString(w, b.String())
	return err
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
