package releases

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testPin = `# comment

example.com/up v1.2.2 h1:a=
example.com/up v1.2.3 h1:b=
example.com/up v1.3.0 h1:c=
`

func mustParse(t *testing.T, data string) List {
	t.Helper()
	l, err := Parse("upstream.pin", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestParse(t *testing.T) {
	l := mustParse(t, testPin)
	if got := strings.Join(l.Versions(), " "); got != "v1.2.2 v1.2.3 v1.3.0" {
		t.Errorf("versions %s", got)
	}
	if n := l.Newest(); n.Version != "v1.3.0" || n.Hash != "h1:c=" || n.ModVersion() != "example.com/up@v1.3.0" {
		t.Errorf("newest %+v", n)
	}
	for data, want := range map[string]string{
		"":                                      "lists no release",
		"# only comments\n":                     "lists no release",
		"example.com/up v1.2.3\n":               `upstream.pin:1: want "module version h1:hash"`,
		"example.com/up v1.2.3 abc\n":           `want "module version h1:hash"`,
		"example.com/up v1.2.3-rc.1 h1:a=\n":    "is not a release",
		"example.com/up v1.2 h1:a=\n":           "is not a release",
		"example.com/up v2.0.0 h1:a=\n":         "is not a release",
		"up v1.2.3 h1:a=\n":                     "is not a release",
		testPin + "example.com/up v1.2.3 h1:b=": "upstream.pin:6: v1.2.3 after v1.3.0: list each release once, oldest first",
		"example.com/up v1.2.3 h1:b=\nexample.com/up v1.2.3 h1:b=\n":    "v1.2.3 after v1.2.3",
		"example.com/up v1.2.3 h1:b=\nexample.com/other v1.2.4 h1:b=\n": "one module a file",
	} {
		if _, err := Parse("upstream.pin", []byte(data)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want %q", data, err, want)
		}
	}
}

func TestFind(t *testing.T) {
	l := mustParse(t, testPin)
	if r, err := l.Find(""); err != nil || r.Version != "v1.3.0" {
		t.Errorf("Find(\"\") = %v, %v", r, err)
	}
	if r, err := l.Find("v1.2.3"); err != nil || r.Hash != "h1:b=" {
		t.Errorf("Find(v1.2.3) = %v, %v", r, err)
	}
	if _, err := l.Find("v1.2.1"); err == nil || !strings.Contains(err.Error(), "an older release is added by hand") {
		t.Errorf("Find(v1.2.1) = %v", err)
	}
	_, err := l.Find("v1.3.1")
	for _, want := range []string{"example.com/up v1.3.1 is not a supported release", "v1.2.2, v1.2.3, v1.3.0", "make upgrade UPSTREAM=v1.3.1 adds a newer release"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Find(v1.3.1) = %v, want %q", err, want)
		}
	}
}

func TestAdd(t *testing.T) {
	for _, tc := range []struct {
		version, want string
	}{
		{"v1.4.0", testPin + "example.com/up v1.4.0 h1:new=\n"},
		{"v1.2.5", strings.Replace(testPin, "example.com/up v1.3.0", "example.com/up v1.2.5 h1:new=\nexample.com/up v1.3.0", 1)},
		{"v1.0.0", strings.Replace(testPin, "example.com/up v1.2.2", "example.com/up v1.0.0 h1:new=\nexample.com/up v1.2.2", 1)},
	} {
		got, err := Add("upstream.pin", []byte(testPin), Release{Module: "example.com/up", Version: tc.version, Hash: "h1:new="})
		if err != nil || string(got) != tc.want {
			t.Errorf("Add(%s) = %v\n%s\nwant\n%s", tc.version, err, got, tc.want)
		}
		if _, err := Parse("upstream.pin", got); err != nil {
			t.Errorf("Add(%s) wrote a file Parse refuses: %v", tc.version, err)
		}
	}
	// Without a final newline.
	got, err := Add("upstream.pin", []byte(strings.TrimSuffix(testPin, "\n")), Release{Module: "example.com/up", Version: "v1.4.0", Hash: "h1:new="})
	if err != nil || string(got) != testPin+"example.com/up v1.4.0 h1:new=\n" {
		t.Errorf("Add without a final newline = %v\n%s", err, got)
	}
	// Listed already: unchanged with its hash, refused with another.
	if got, err := Add("upstream.pin", []byte(testPin), Release{Module: "example.com/up", Version: "v1.2.3", Hash: "h1:b="}); err != nil || string(got) != testPin {
		t.Errorf("Add of a listed release = %v\n%s", err, got)
	}
	if _, err := Add("upstream.pin", []byte(testPin), Release{Module: "example.com/up", Version: "v1.2.3", Hash: "h1:x="}); err == nil || !strings.Contains(err.Error(), "pins example.com/up@v1.2.3 to h1:b=") {
		t.Errorf("Add of another hash: %v", err)
	}
	if _, err := Add("upstream.pin", []byte(testPin), Release{Module: "example.com/other", Version: "v1.4.0", Hash: "h1:x="}); err == nil {
		t.Error("Add of another module accepted")
	}
}

func TestNewerThan(t *testing.T) {
	published := []string{"v1.2.2", "v1.4.0", "v1.3.0", "v1.3.1-rc.1", "v1.3.1", "bad", "v1.2.3"}
	if got := strings.Join(NewerThan(published, "v1.3.0"), " "); got != "v1.3.1 v1.4.0" {
		t.Errorf("NewerThan = %s", got)
	}
	if got := NewerThan(published, "v1.4.0"); len(got) != 0 {
		t.Errorf("NewerThan(newest) = %v", got)
	}
}

func TestStatus(t *testing.T) {
	l := mustParse(t, testPin)
	newest, older := l[2], l[0]
	for _, tc := range []struct {
		built     Release
		published []string
		answered  bool
		want      string
	}{
		{newest, nil, false, "built from upstream example.com/up v1.3.0, the newest supported release (supported: v1.2.2, v1.2.3, v1.3.0)"},
		{newest, []string{"v1.2.2", "v1.3.0"}, true, "built from upstream example.com/up v1.3.0, the newest supported release (supported: v1.2.2, v1.2.3, v1.3.0); the module proxy has no newer release"},
		{older, []string{"v1.3.0", "v1.3.1", "v1.4.0"}, true, "built from upstream example.com/up v1.2.2, a supported release (the default is the newest, v1.3.0); upstream has released v1.3.1, v1.4.0 since: make upgrade UPSTREAM=v1.4.0 moves the fork to it (docs/assembly.md)"},
	} {
		if got := Status(l, tc.built, tc.published, tc.answered); got != tc.want {
			t.Errorf("Status =\n%s\nwant\n%s", got, tc.want)
		}
	}
}

// TestPublished asks this machine's go command about a module served by a
// file:// proxy, and about one with the proxy off: no answer, no error.
func TestPublished(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	proxy := t.TempDir()
	list := filepath.Join(proxy, "example.com", "up", "@v", "list")
	if err := os.MkdirAll(filepath.Dir(list), 0o755); err != nil {
		t.Fatal(err)
	}
	// The go command reads the latest release's go.mod for retractions.
	for name, content := range map[string]string{
		"list":        "v1.3.0\nv1.2.2\nv1.4.0-rc.1\n",
		"v1.3.0.info": `{"Version":"v1.3.0","Time":"2025-01-01T00:00:00Z"}`,
		"v1.3.0.mod":  "module example.com/up\n",
	} {
		if err := os.WriteFile(filepath.Join(filepath.Dir(list), name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("GOPROXY", "file://"+filepath.ToSlash(proxy))
	t.Setenv("GONOSUMDB", "example.com")
	t.Setenv("GOFLAGS", "-modcacherw")
	t.Setenv("GOMODCACHE", t.TempDir())
	got, ok := Published("example.com/up", ProxyTimeout*6)
	if !ok || strings.Join(got, " ") != "v1.2.2 v1.3.0 v1.4.0-rc.1" {
		t.Errorf("Published = %q, %v", got, ok)
	}
	t.Setenv("GOPROXY", "off")
	if got, ok := Published("example.com/up", ProxyTimeout*6); ok {
		t.Errorf("with GOPROXY=off: %q, answered", got)
	}
}

func TestCheckVersion(t *testing.T) {
	for version, want := range map[string]string{
		"v1.61.1-zstd.1":   "",
		"v1.61.1-zstd.0":   "",
		"v1.61.1-zstd.12":  "",
		"v1.61.1-acme.3":   "does not follow the scheme v<upstream>-zstd.<n> (docs/adopting.md): for upstream v1.61.1, v1.61.1-zstd.1",
		"v1.61.1":          "does not follow the scheme",
		"v1.61.1-zstd.01":  "does not follow the scheme",
		"v1.61.1-zstd.1.2": "does not follow the scheme",
		"v1.0.0":           "does not follow the scheme",
		"v1.61.2-zstd.1":   "version v1.61.2-zstd.1 names upstream v1.61.2, but the fork is made from upstream v1.61.1: publish it as v1.61.1-zstd.<n>, or publish the fork of v1.61.2 (make dist UPSTREAM=v1.61.2)",
	} {
		err := CheckVersion(version, "v1.61.1")
		if want == "" && err != nil || want != "" && (err == nil || !strings.Contains(err.Error(), want)) {
			t.Errorf("CheckVersion(%s) = %v, want %q", version, err, want)
		}
	}
	if v := VersionFor("v1.61.1", 3); v != "v1.61.1-zstd.3" || CheckVersion(v, "v1.61.1") != nil || UpstreamOf(v) != "v1.61.1" {
		t.Errorf("VersionFor = %s", v)
	}
	if u := UpstreamOf("v1.61.1-fork1"); u != "" {
		t.Errorf("UpstreamOf(v1.61.1-fork1) = %q", u)
	}
}
