package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func mustAssemble(t *testing.T, o Options) {
	t.Helper()
	if _, err := assemble(o); err != nil {
		t.Fatal(err)
	}
}

// leftovers lists what a run left beside the output besides the output.
func leftovers(t *testing.T, out string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(out))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.Name() != filepath.Base(out) {
			names = append(names, e.Name())
		}
	}
	return names
}

func TestAssemble(t *testing.T) {
	o := testOptions(t)
	overlay, err := assemble(o)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(overlay, ","); got != "added.go,replaced.go" {
		t.Errorf("overlay files = %s", got)
	}
	if got := readFile(t, filepath.Join(o.Out, "replaced.go")); !strings.Contains(got, "return 2") {
		t.Errorf("replaced.go is not the overlay's:\n%s", got)
	}
	if got := readFile(t, filepath.Join(o.Out, "sub", "keep.txt")); got != "upstream text\n" {
		t.Errorf("sub/keep.txt = %q", got)
	}
	cfg := readFile(t, filepath.Join(o.Out, "config.go"))
	for _, want := range []string{"Added            int", "c.Producer.Added = 3", "if c.Producer.Added < 0"} {
		if !strings.Contains(cfg, want) {
			t.Errorf("config.go lacks %q:\n%s", want, cfg)
		}
	}
	for _, dir := range []string{o.Out, filepath.Join(o.Out, "sub")} {
		if st, err := os.Stat(dir); err != nil || st.Mode().Perm() != 0o755 {
			t.Errorf("%s: mode %v, err %v; want 0755", dir, st.Mode(), err)
		}
	}
	if st, err := os.Stat(filepath.Join(o.Out, "go.mod")); err != nil || st.Mode().Perm() != 0o644 {
		t.Errorf("go.mod: want mode 0644 (err %v)", err)
	}
	if l := leftovers(t, o.Out); len(l) > 0 {
		t.Errorf("left beside the output: %v", l)
	}
}

// Overlay files in subdirectories, such as a fuzz target's regression
// inputs under testdata/fuzz, land at the same paths in the fork.
func TestOverlaySubdirectories(t *testing.T) {
	o := testOptions(t)
	seed := "go test fuzz v1\n[]byte(\"x\")\n"
	writeTree(t, o.OverlayDir, map[string]string{"testdata/fuzz/FuzzX/0123": seed})
	overlay, err := assemble(o)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(overlay, ","); got != "added.go,replaced.go,testdata/fuzz/FuzzX/0123" {
		t.Errorf("overlay files = %s", got)
	}
	if got := readFile(t, filepath.Join(o.Out, "testdata", "fuzz", "FuzzX", "0123")); got != seed {
		t.Errorf("testdata/fuzz/FuzzX/0123 = %q", got)
	}
}

func TestReadOnlySourceGivesWritableCopy(t *testing.T) {
	o := testOptions(t)
	// Like the module cache.
	filepath.WalkDir(o.Upstream.Dir, func(p string, d os.DirEntry, err error) error {
		if !d.IsDir() {
			return os.Chmod(p, 0o444)
		}
		return nil
	})
	t.Cleanup(func() {
		filepath.WalkDir(o.Upstream.Dir, func(p string, d os.DirEntry, err error) error { return os.Chmod(p, 0o755) })
	})
	mustAssemble(t, o)
	if st, _ := os.Stat(filepath.Join(o.Out, "sub", "keep.txt")); st.Mode().Perm() != 0o644 {
		t.Errorf("copy has mode %v, want 0644", st.Mode())
	}
}

func TestForkNote(t *testing.T) {
	o := testOptions(t)
	mustAssemble(t, o)
	note := readFile(t, filepath.Join(o.Out, forkNoteName))
	for _, want := range []string{
		"example.com/up@v1.2.3", "h1:test", "0123abc-dirty",
		"`example.com/up v1.2.3`\n(`go get example.com/up@v1.2.3`)",
		"replace example.com/up => example.com/acme/sarama-zstd v1.2.3-zstd.1",
		"shows `v1.2.3 => ...`",
		"`added.go`", "`replaced.go`, replacing upstream's file", "test replacement",
		"after field Producer.CompressionLevel of type Config",
		"after statement assigning to c.Producer.CompressionLevel in func NewConfig",
		"after if statement whose condition mentions CompressionZSTD in method (*Config).Validate",
	} {
		if !strings.Contains(note, want) {
			t.Errorf("FORK.md lacks %q:\n%s", want, note)
		}
	}
}

func TestMissingOverlayDir(t *testing.T) {
	o := testOptions(t)
	o.OverlayDir = filepath.Join(t.TempDir(), "nope")
	_, err := assemble(o)
	if err == nil || !strings.Contains(err.Error(), "overlay directory") || !strings.Contains(err.Error(), "not found") {
		t.Errorf("err = %v", err)
	}
	if l := leftovers(t, o.Out); len(l) > 0 {
		t.Errorf("left beside the output: %v", l)
	}
}

func TestReplacedFileChangedUpstream(t *testing.T) {
	o := testOptions(t)
	o.Replacements[0].UpstreamSHA256 = strings.Repeat("0", 64)
	_, err := assemble(o)
	if err == nil {
		t.Fatal("assembled over a changed upstream file")
	}
	for _, want := range []string{"replaced.go changed in example.com/up@v1.2.3", "review upstream's change", "sha256", "tools/assemble/edits.go"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestReplacedFileGoneUpstream(t *testing.T) {
	o := testOptions(t)
	os.Remove(filepath.Join(o.Upstream.Dir, "replaced.go"))
	_, err := assemble(o)
	if err == nil || !strings.Contains(err.Error(), "replaced.go, which") || !strings.Contains(err.Error(), "is gone from example.com/up@v1.2.3") {
		t.Errorf("err = %v", err)
	}
}

func TestUndeclaredOverwrite(t *testing.T) {
	o := testOptions(t)
	o.Replacements = nil
	_, err := assemble(o)
	if err == nil || !strings.Contains(err.Error(), "would overwrite upstream replaced.go") {
		t.Errorf("err = %v", err)
	}
}

func TestDeclaredReplacementWithoutOverlayFile(t *testing.T) {
	o := testOptions(t)
	o.Replacements = append(o.Replacements, Replacement{File: "go.mod", UpstreamSHA256: "x"})
	_, err := assemble(o)
	if err == nil || !strings.Contains(err.Error(), "replacement go.mod is declared") {
		t.Errorf("err = %v", err)
	}
}

func TestEditOfOverlayFileRefused(t *testing.T) {
	o := testOptions(t)
	o.Edits = []Edit{{File: "added.go", Anchor: Anchor{Func: "Added"}, Where: After, Code: "func B() {}"}}
	_, err := assemble(o)
	if err == nil || !strings.Contains(err.Error(), "targets an overlay file") {
		t.Errorf("err = %v", err)
	}
}

func TestEditOfMissingFile(t *testing.T) {
	o := testOptions(t)
	o.Edits = []Edit{{File: "gone.go", Anchor: Anchor{Func: "F"}, Where: After, Code: "func B() {}"}}
	_, err := assemble(o)
	if err == nil || !strings.Contains(err.Error(), "gone.go") || !strings.Contains(err.Error(), "example.com/up@v1.2.3") || !strings.Contains(err.Error(), "the file is gone") {
		t.Errorf("err = %v", err)
	}
}

func TestFailedRunLeavesPreviousOutput(t *testing.T) {
	o := testOptions(t)
	mustAssemble(t, o)
	before := readFile(t, filepath.Join(o.Out, "config.go"))
	manifest := readFile(t, filepath.Join(o.Out, manifestName))

	for name, breakIt := range map[string]func(*Options){
		"check fails": func(o *Options) {
			o.Check = func(string, []string) error { return errors.New("vet says no") }
		},
		"anchor missing": func(o *Options) {
			o.Edits = append(o.Edits, Edit{File: "config.go", Anchor: Anchor{Type: "Gone"}, Where: After, Code: "type X int"})
		},
	} {
		t.Run(name, func(t *testing.T) {
			bad := o
			bad.Edits = append([]Edit(nil), o.Edits...)
			bad.Edits[1].Code = "\tc.Producer.Added = 4\n" // a different result, were it kept
			breakIt(&bad)
			if _, err := assemble(bad); err == nil {
				t.Fatal("broken run succeeded")
			}
			if got := readFile(t, filepath.Join(o.Out, "config.go")); got != before {
				t.Error("previous output changed")
			}
			if got := readFile(t, filepath.Join(o.Out, manifestName)); got != manifest {
				t.Error("previous manifest changed")
			}
			if l := leftovers(t, o.Out); len(l) > 0 {
				t.Errorf("left beside the output: %v", l)
			}
			if err := checkUntouched(o.Out); err != nil {
				t.Errorf("previous output no longer matches its manifest: %v", err)
			}
		})
	}
}

func TestRerunReplacesGeneratedOutput(t *testing.T) {
	o := testOptions(t)
	mustAssemble(t, o)
	o.Edits[1].Code = "\tc.Producer.Added = 4\n"
	mustAssemble(t, o)
	if got := readFile(t, filepath.Join(o.Out, "config.go")); !strings.Contains(got, "c.Producer.Added = 4") {
		t.Error("rerun did not replace the output")
	}
	if l := leftovers(t, o.Out); len(l) > 0 {
		t.Errorf("left beside the output: %v", l)
	}
}

func TestHandEdits(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(out string) error
		want string
	}{
		{"changed", func(out string) error {
			return os.WriteFile(filepath.Join(out, "config.go"), []byte("package up\n"), 0o644)
		}, "config.go was changed in"},
		{"added", func(out string) error {
			return os.WriteFile(filepath.Join(out, "sub", "mine.go"), []byte("package up\n"), 0o644)
		}, "sub/mine.go was added to"},
		{"removed", func(out string) error {
			return os.Remove(filepath.Join(out, "sub", "keep.txt"))
		}, "sub/keep.txt was removed from"},
		{"manifest removed", func(out string) error {
			return os.Remove(filepath.Join(out, manifestName))
		}, "has no " + manifestName},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := testOptions(t)
			mustAssemble(t, o)
			if err := tc.edit(o.Out); err != nil {
				t.Fatal(err)
			}
			snapshot, _ := treeSums(o.Out)
			_, err := assemble(o)
			if err == nil {
				t.Fatal("hand edits overwritten")
			}
			for _, want := range []string{tc.want, o.Out, "-force"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
			after, _ := treeSums(o.Out)
			if len(after) != len(snapshot) {
				t.Error("refused run touched the output")
			}
			o.Force = true
			mustAssemble(t, o)
			if err := checkUntouched(o.Out); err != nil {
				t.Errorf("after -force: %v", err)
			}
		})
	}
}

func TestForeignOutputDir(t *testing.T) {
	o := testOptions(t)
	writeTree(t, o.Out, map[string]string{"notes.txt": "mine\n"})
	_, err := assemble(o)
	if err == nil || !strings.Contains(err.Error(), "someone's work") {
		t.Errorf("err = %v", err)
	}
	if readFile(t, filepath.Join(o.Out, "notes.txt")) != "mine\n" {
		t.Error("foreign output touched")
	}
	// An empty directory is free to use.
	o2 := testOptions(t)
	if err := os.MkdirAll(o2.Out, 0o755); err != nil {
		t.Fatal(err)
	}
	mustAssemble(t, o2)
}

// TestCheckTree runs the real gofmt and go vet on a tiny module: they must
// pass a clean tree and stop a broken one.
func TestCheckTree(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	o := testOptions(t)
	var log strings.Builder
	o.Check = func(dir string, written []string) error { return checkTree(dir, written, &log) }
	mustAssemble(t, o)

	unformatted := testOptions(t)
	unformatted.Check = o.Check
	writeTree(t, unformatted.OverlayDir, map[string]string{"ugly.go": "package up\nfunc   Ugly() {}\n"})
	if _, err := assemble(unformatted); err == nil || !strings.Contains(err.Error(), "gofmt") {
		t.Errorf("unformatted tree: err = %v", err)
	}

	// Upstream's own files are upstream's to format: v1.60.1 has one that
	// gofmt would change, and the fork of it is assembled all the same.
	upstreamUgly := testOptions(t)
	upstreamUgly.Check = o.Check
	writeTree(t, upstreamUgly.Upstream.Dir, map[string]string{"ugly_test.go": "package up\nfunc   Ugly() {}\n"})
	mustAssemble(t, upstreamUgly)

	vetBad := testOptions(t)
	vetBad.Check = o.Check
	writeTree(t, vetBad.OverlayDir, map[string]string{"bad.go": "package up\n\nimport \"fmt\"\n\nfunc Bad() string { return fmt.Sprintf(\"%d\", \"x\") }\n"})
	log.Reset()
	if _, err := assemble(vetBad); err == nil || !strings.Contains(err.Error(), "go vet") {
		t.Errorf("vet failure: err = %v", err)
	}
	if !strings.Contains(log.String(), "bad.go") {
		t.Errorf("vet output not shown: %q", log.String())
	}
	if _, err := os.Stat(vetBad.Out); !os.IsNotExist(err) {
		t.Errorf("failed first run created the output (err %v)", err)
	}
}
