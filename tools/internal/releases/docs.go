package releases

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
)

// The README lists the supported releases between these two lines;
// make upgrade writes the list, and a test checks it against upstream.pin.
const (
	ListStart = "<!-- releases: written from upstream.pin by make upgrade; make test checks it -->"
	ListEnd   = "<!-- /releases -->"
)

// ListText is the README's list: the newest first, as the default.
func ListText(l List) string {
	v := l.Versions()
	var b strings.Builder
	fmt.Fprintf(&b, "Supported upstream releases: **%s** (the default)", v[len(v)-1])
	for i := len(v) - 2; i >= 0; i-- {
		b.WriteString(", " + v[i])
	}
	b.WriteString(".")
	return b.String()
}

// adoptingHeading starts the README section whose commands name the
// newest release.
const adoptingHeading = "## Adopting it"

// release matches a release version; in v1.62.0-zstd.1 it matches the
// upstream part.
var release = regexp.MustCompile(`\bv[0-9]+\.[0-9]+\.[0-9]+\b`)

// UpdateReadme returns readme with the list written from l and, in its
// "Adopting it" section, every mention of release previous replaced by the
// newest of l (previous "" replaces none): the section's commands use the
// default release, and make upgrade moves them to the new one.
func UpdateReadme(readme []byte, l List, previous string) ([]byte, error) {
	s := string(readme)
	if previous != "" && previous != l.Newest().Version {
		start, end, err := section(s, adoptingHeading)
		if err != nil {
			return nil, err
		}
		body := release.ReplaceAllStringFunc(s[start:end], func(v string) string {
			if v == previous {
				return l.Newest().Version
			}
			return v
		})
		s = s[:start] + body + s[end:]
	}
	i, j := strings.Index(s, ListStart), strings.Index(s, ListEnd)
	if i < 0 || j < i {
		return nil, fmt.Errorf("README.md has no list of releases between %q and %q", ListStart, ListEnd)
	}
	return []byte(s[:i] + ListStart + "\n" + ListText(l) + "\n" + s[j:]), nil
}

// CheckReadme reports where README.md disagrees with l: a list other than
// ListText's, a release in its "Adopting it" section that is not supported,
// or a section that never names the newest.
func CheckReadme(readme []byte, l List) []error {
	var errs []error
	want, err := UpdateReadme(readme, l, "")
	if err != nil {
		return []error{err}
	}
	if !bytes.Equal(want, readme) {
		errs = append(errs, fmt.Errorf("README.md's list of releases is not %q: make upgrade writes it", ListText(l)))
	}
	s := string(readme)
	start, end, err := section(s, adoptingHeading)
	if err != nil {
		return append(errs, err)
	}
	body := s[start:end]
	if i, j := strings.Index(body, ListStart), strings.Index(body, ListEnd); i >= 0 && j > i {
		body = body[:i] + body[j:] // the list names every release
	}
	newest := false
	for _, v := range release.FindAllString(body, -1) {
		if _, err := l.Find(v); err != nil {
			errs = append(errs, fmt.Errorf("README.md's %q names %s, which is not supported", adoptingHeading, v))
		}
		newest = newest || v == l.Newest().Version
	}
	if !newest {
		errs = append(errs, fmt.Errorf("README.md's %q never names the newest release, %s", adoptingHeading, l.Newest().Version))
	}
	return errs
}

// section returns the byte range of the body of the "## " section titled
// heading in s.
func section(s, heading string) (start, end int, err error) {
	i := strings.Index(s, "\n"+heading+"\n")
	if i < 0 {
		return 0, 0, fmt.Errorf("README.md has no section %q", heading)
	}
	start = i + len(heading) + 2
	end = len(s)
	if j := strings.Index(s[start:], "\n## "); j >= 0 {
		end = start + j
	}
	return start, end, nil
}

// distVar matches NAME=value on a make dist command line.
var distVar = regexp.MustCompile("\\b(UPSTREAM|VERSION|ALL|REVISION)=([^\\s'\"`]+)")

// CheckDistCommands checks every make dist command line in doc (named name
// in errors) against l as make dist would: UPSTREAM a supported release,
// VERSION v<upstream>-zstd.<n> of UPSTREAM or, without it, of the newest.
// Placeholders (values with "<" or "...") are skipped.
func CheckDistCommands(name string, doc []byte, l List) []error {
	var errs []error
	for n, line := range strings.Split(string(doc), "\n") {
		at := strings.Index(line, "make dist ")
		if at < 0 {
			continue
		}
		vars := map[string]string{}
		for _, m := range distVar.FindAllStringSubmatch(line[at:], -1) {
			vars[m[1]] = m[2]
		}
		up, ok := vars["UPSTREAM"]
		if placeholder(up) {
			continue
		}
		r, err := l.Find(up)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s:%d: %v", name, n+1, err))
			continue
		}
		v, hasVersion := vars["VERSION"]
		if !hasVersion || placeholder(v) {
			continue
		}
		if err := CheckVersion(v, r.Version); err != nil {
			what := "the default UPSTREAM, " + r.Version
			if ok {
				what = "UPSTREAM=" + up
			}
			errs = append(errs, fmt.Errorf("%s:%d: make dist would refuse it with %s: %v", name, n+1, what, err))
		}
	}
	return errs
}

// placeholder tells a value a reader fills in (<version>, ...) from a real one.
func placeholder(v string) bool { return strings.Contains(v, "<") || strings.Contains(v, "...") }

// scheme is the documented version of a published fork: v<upstream>-zstd.<n>.
var scheme = regexp.MustCompile(`^(v[0-9]+\.[0-9]+\.[0-9]+)-zstd\.(0|[1-9][0-9]*)$`)

// CheckVersion refuses a version of the published fork of upstream that
// does not follow the scheme v<upstream>-zstd.<n> (docs/adopting.md): the
// version must say which upstream release the module is, since a consumer's
// check (and the reader of go list -m) compares it with the upstream
// release the build selects.
func CheckVersion(version, upstream string) error {
	m := scheme.FindStringSubmatch(version)
	if m == nil {
		return fmt.Errorf("version %s does not follow the scheme v<upstream>-zstd.<n> (docs/adopting.md): for upstream %s, %s-zstd.1 for the first revision", version, upstream, upstream)
	}
	if m[1] != upstream {
		return fmt.Errorf("version %s names upstream %s, but the fork is made from upstream %s: publish it as %s-zstd.<n>, or publish the fork of %s (make dist UPSTREAM=%s)", version, m[1], upstream, upstream, m[1], m[1])
	}
	return nil
}

// UpstreamOf is the upstream release a version of the scheme names, or ""
// for a version off the scheme.
func UpstreamOf(version string) string {
	if m := scheme.FindStringSubmatch(version); m != nil {
		return m[1]
	}
	return ""
}

// VersionFor is the version of revision n of the fork of upstream.
func VersionFor(upstream string, n int) string { return fmt.Sprintf("%s-zstd.%d", upstream, n) }
