package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb/dirhash"
	modzip "golang.org/x/mod/zip"

	"sarama-zstd.example/tools/internal/releases"
)

const testREADME = `# fork

## Adopting it

` + releases.ListStart + `
stale
` + releases.ListEnd + `

    go get example.com/up@v1.2.3
    make dist MODULE=example.com/acme/up-zstd VERSION=v1.2.3-zstd.1
    make dist MODULE=example.com/acme/up-zstd UPSTREAM=v1.2.2 VERSION=v1.2.2-zstd.1

## Results

Measured against v1.2.3.
`

// serve writes example.com/up at version v into the proxy directory root,
// and returns its go.sum hash.
func serve(t *testing.T, root, v string) string {
	t.Helper()
	m := module.Version{Path: "example.com/up", Version: v}
	src := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/up\n\ngo 1.21\n",
		"up.go":  "package up\n\n// Version is the release.\nconst Version = \"" + v + "\"\n",
	}
	write(t, src, files)
	dir := filepath.Join(root, "example.com", "up", "@v")
	var zip bytes.Buffer
	if err := modzip.CreateFromDir(&zip, m, src); err != nil {
		t.Fatal(err)
	}
	list, _ := os.ReadFile(filepath.Join(dir, "list"))
	write(t, dir, map[string]string{
		v + ".zip":  zip.String(),
		v + ".mod":  files["go.mod"],
		v + ".info": `{"Version":"` + v + `","Time":"2025-01-01T00:00:00Z"}`,
		"list":      string(list) + v + "\n",
	})
	h, err := dirhash.HashZip(filepath.Join(dir, v+".zip"), dirhash.Hash1)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestUpgrade moves a small repository from example.com/up v1.2.3 to
// v1.3.0 with the go command, offline (a file:// proxy, an empty module
// cache): the pin gains the release with the hash the go command gives,
// the root module requires it, the README lists it and its commands name
// it; a second run changes nothing.
func TestUpgrade(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	proxy := t.TempDir()
	serve(t, proxy, "v1.2.2")
	h123 := serve(t, proxy, "v1.2.3")
	h130 := serve(t, proxy, "v1.3.0")
	t.Setenv("GOPROXY", "file://"+filepath.ToSlash(proxy))
	t.Setenv("GONOSUMDB", "example.com")
	t.Setenv("GOFLAGS", "-modcacherw")
	t.Setenv("GOMODCACHE", t.TempDir())
	t.Setenv("GOTOOLCHAIN", "local")

	repo := t.TempDir()
	pinText := "# pins\nexample.com/up v1.2.2 h1:a=\nexample.com/up v1.2.3 " + h123 + "\n"
	write(t, repo, map[string]string{
		"upstream.pin": pinText,
		"README.md":    testREADME,
		"go.mod":       "module example.com/repo\n\ngo 1.21\n\nrequire example.com/up v1.2.3\n",
		"use.go":       "package repo\n\nimport \"example.com/up\"\n\nconst V = up.Version\n",
	})
	var log strings.Builder
	o := Options{Version: "v1.3.0", Pin: filepath.Join(repo, "upstream.pin"), Readme: filepath.Join(repo, "README.md"), Dir: repo, Log: &log}
	if err := upgrade(o); err != nil {
		t.Fatalf("upgrade: %v\n%s", err, log.String())
	}
	if got, want := read(t, o.Pin), pinText+"example.com/up v1.3.0 "+h130+"\n"; got != want {
		t.Errorf("pin:\n%s\nwant\n%s", got, want)
	}
	if got := read(t, filepath.Join(repo, "go.mod")); !strings.Contains(got, "require example.com/up v1.3.0") {
		t.Errorf("go.mod:\n%s", got)
	}
	if got := read(t, filepath.Join(repo, "go.sum")); !strings.Contains(got, "example.com/up v1.3.0 "+h130) {
		t.Errorf("go.sum:\n%s", got)
	}
	readme := read(t, o.Readme)
	for _, want := range []string{
		"Supported upstream releases: **v1.3.0** (the default), v1.2.3, v1.2.2.",
		"go get example.com/up@v1.3.0",
		"VERSION=v1.3.0-zstd.1",
		"UPSTREAM=v1.2.2 VERSION=v1.2.2-zstd.1",
		"Measured against v1.2.3.", // outside the section: facts stay
	} {
		if !strings.Contains(readme, want) {
			t.Errorf("README lacks %q:\n%s", want, readme)
		}
	}
	rels, err := releases.Read(o.Pin)
	if err != nil {
		t.Fatal(err)
	}
	if errs := releases.CheckReadme([]byte(readme), rels); len(errs) > 0 {
		t.Errorf("the upgraded README does not pass its check: %v", errs)
	}

	// Again: nothing changes.
	log.Reset()
	if err := upgrade(o); err != nil {
		t.Fatalf("second upgrade: %v", err)
	}
	if read(t, o.Readme) != readme || !strings.Contains(log.String(), "lists example.com/up@v1.3.0 already") {
		t.Errorf("second upgrade changed the README or said:\n%s", log.String())
	}

	for version, want := range map[string]string{
		"v1.2.2":     "supported already; the newest is v1.3.0",
		"v1.2.1":     "older than the newest supported release, v1.3.0",
		"v1.4.0-rc1": "not a release version",
		"v9.0.0":     "go mod download example.com/up@v9.0.0",
	} {
		o := o
		o.Version = version
		if err := upgrade(o); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("upgrade to %s: %v, want %q", version, err, want)
		}
	}
	if got := read(t, o.Pin); strings.Count(got, "\nexample.com/up ") != 3 {
		t.Errorf("refused upgrades changed the pin:\n%s", got)
	}
}
