package manifest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, Name)
	if _, err := Read(path); !os.IsNotExist(err) {
		t.Fatalf("missing manifest: err = %v, want one os.IsNotExist recognises", err)
	}
	if err := os.WriteFile(path, []byte("# generated\nabc  a.go\n\ndef  sub/b.go\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sums, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(sums) != 2 || sums["a.go"] != "abc" || sums["sub/b.go"] != "def" {
		t.Errorf("Read = %v", sums)
	}
	for _, bad := range []string{"abc a.go\n", "  a.go\n", "abc  \n"} {
		if err := os.WriteFile(path, []byte(bad), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Read(path); err == nil || !strings.Contains(err.Error(), "malformed line") {
			t.Errorf("Read(%q): err = %v, want a malformed line", bad, err)
		}
	}
}

func TestFileSHA256(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, []byte("abc"), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := FileSHA256(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; sum != want {
		t.Errorf("FileSHA256 = %s, want %s", sum, want)
	}
}
