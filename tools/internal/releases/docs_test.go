package releases

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testReadme = `# fork

Measured against v1.2.2.

## Adopting it

` + ListStart + `
old list
` + ListEnd + `

    go get example.com/up@v1.2.3
    make dist MODULE=example.com/acme/up-zstd VERSION=v1.2.3-zstd.1

## More

v1.2.3 elsewhere.
`

func TestUpdateReadme(t *testing.T) {
	old := mustParse(t, strings.Replace(testPin, "example.com/up v1.3.0 h1:c=\n", "", 1))
	got, err := UpdateReadme([]byte(testReadme), old, "")
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(testReadme, "old list", "Supported upstream releases: **v1.2.3** (the default), v1.2.2.", 1)
	if string(got) != want {
		t.Errorf("UpdateReadme =\n%s\nwant\n%s", got, want)
	}
	if errs := CheckReadme(got, old); len(errs) > 0 {
		t.Errorf("CheckReadme of the updated README: %v", errs)
	}
	if errs := CheckReadme([]byte(testReadme), old); len(errs) != 1 || !strings.Contains(errs[0].Error(), "list of releases is not") {
		t.Errorf("CheckReadme of a stale list: %v", errs)
	}

	// v1.3.0 is released: the section's commands move to it, nothing else.
	l := mustParse(t, testPin)
	moved, err := UpdateReadme(got, l, "v1.2.3")
	if err != nil {
		t.Fatal(err)
	}
	want = strings.NewReplacer(
		"**v1.2.3** (the default), v1.2.2.", "**v1.3.0** (the default), v1.2.3, v1.2.2.",
		"example.com/up@v1.2.3", "example.com/up@v1.3.0",
		"VERSION=v1.2.3-zstd.1", "VERSION=v1.3.0-zstd.1").Replace(string(got))
	if string(moved) != want {
		t.Errorf("UpdateReadme after a release =\n%s\nwant\n%s", moved, want)
	}
	if errs := CheckReadme(moved, l); len(errs) > 0 {
		t.Errorf("CheckReadme after the move: %v", errs)
	}
	if errs := CheckReadme(got, l); len(errs) == 0 {
		t.Error("CheckReadme accepts a README that does not list the new release")
	}

	if _, err := UpdateReadme([]byte("# no list\n"), l, ""); err == nil {
		t.Error("a README without the list accepted")
	}
}

func TestCheckReadmeSection(t *testing.T) {
	l := mustParse(t, testPin)
	readme, err := UpdateReadme([]byte(strings.Replace(testReadme, "example.com/up@v1.2.3", "example.com/up@v1.2.4", 1)), l, "")
	if err != nil {
		t.Fatal(err)
	}
	errs := CheckReadme(readme, l)
	var msgs []string
	for _, e := range errs {
		msgs = append(msgs, e.Error())
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{"names v1.2.4, which is not supported", "never names the newest release, v1.3.0"} {
		if !strings.Contains(all, want) {
			t.Errorf("CheckReadme errors lack %q:\n%s", want, all)
		}
	}
}

func TestCheckDistCommands(t *testing.T) {
	l := mustParse(t, testPin)
	doc := `
    make dist MODULE=example.com/acme/up-zstd VERSION=v1.3.0-zstd.1
    make dist MODULE=example.com/acme/up-zstd UPSTREAM=v1.2.2 VERSION=v1.2.2-zstd.4
    make dist MODULE=example.com/acme/up-zstd ALL=1 REVISION=1
    make dist MODULE=... VERSION=v1.3.0-zstd.<n+1>
    make dist MODULE=... UPSTREAM=<release> VERSION=<release>-zstd.<n>
    make dist MODULE=example.com/acme/up-zstd VERSION=v1.2.3-zstd.1
    make dist MODULE=example.com/acme/up-zstd UPSTREAM=v1.2.4 VERSION=v1.2.4-zstd.1
    make dist MODULE=example.com/acme/up-zstd UPSTREAM=v1.2.2 VERSION=v1.2.2-fork1
`
	errs := CheckDistCommands("doc.md", []byte(doc), l)
	var msgs []string
	for _, e := range errs {
		msgs = append(msgs, e.Error())
	}
	want := []string{
		"doc.md:7: make dist would refuse it with the default UPSTREAM, v1.3.0: version v1.2.3-zstd.1 names upstream v1.2.3",
		"doc.md:8: example.com/up v1.2.4 is not a supported release",
		"doc.md:9: make dist would refuse it with UPSTREAM=v1.2.2: version v1.2.2-fork1 does not follow the scheme",
	}
	if len(msgs) != len(want) {
		t.Fatalf("errors:\n%s\nwant %d", strings.Join(msgs, "\n"), len(want))
	}
	for i := range want {
		if !strings.HasPrefix(msgs[i], want[i]) {
			t.Errorf("error %d = %s\nwant %s...", i, msgs[i], want[i])
		}
	}
}

// TestRepositoryDocsFollowThePin checks this repository's README.md (its
// list of releases and its adoption commands) and every make dist command
// in the Markdown files and the Makefile against upstream.pin.
func TestRepositoryDocsFollowThePin(t *testing.T) {
	root := filepath.Join("..", "..", "..")
	l, err := Read(filepath.Join(root, "upstream.pin"))
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range CheckReadme(readme, l) {
		t.Error(err)
	}
	files, _ := filepath.Glob(filepath.Join(root, "*.md"))
	docs, _ := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	files = append(append(files, docs...), filepath.Join(root, "Makefile"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, f)
		for _, err := range CheckDistCommands(filepath.ToSlash(rel), data, l) {
			t.Error(err)
		}
	}
}
