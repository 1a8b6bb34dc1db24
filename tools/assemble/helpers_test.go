package main

import (
	"os"
	"path/filepath"
	"testing"
)

// The tests build small module trees of their own; none of them needs the
// network. The shapes below mimic the places the real edits anchor on,
// written for these tests.

const testModule = "example.com/up"

const testConfigSrc = `package up

// Config is the test's configuration.
type Config struct {
	Producer struct {
		// Level of compression.
		CompressionLevel int // trailing comment
		Other            int
	}
	Consumer struct {
		CompressionLevel int
	}
}

const CompressionZSTD = 4

func NewConfig() *Config {
	c := &Config{}
	c.Producer.CompressionLevel = 1

	// Other is set last.
	c.Producer.Other = 2
	c.reset()
	n := c.count()
	_ = n
	return c
}

func (c *Config) reset()     {}
func (c *Config) count() int { return 0 }

func (c *Config) Validate() error {
	if c.Producer.Other == CompressionZSTD {
		return nil
	}
	var n = 1
	switch n {
	case 1:
		m := n
		_ = m
	}
	return nil
}
`

// testTree returns the files of a small upstream module.
func testTree() map[string]string {
	return map[string]string{
		"go.mod":       "module " + testModule + "\n\ngo 1.21\n",
		"config.go":    testConfigSrc,
		"replaced.go":  "package up\n\nfunc Replaced() int { return 1 }\n",
		"sub/keep.txt": "upstream text\n",
	}
}

// testEdits are insertions into testConfigSrc of each anchor kind.
func testEdits() []Edit {
	return []Edit{
		{File: "config.go", Anchor: Anchor{Type: "Config", Field: []string{"Producer", "CompressionLevel"}}, Where: After, Why: "field",
			Code: "\t\tAdded int\n"},
		{File: "config.go", Anchor: Anchor{Func: "NewConfig", Stmt: AssignsTo("c.Producer.CompressionLevel")}, Where: After, Why: "assign",
			Code: "\tc.Producer.Added = 3\n"},
		{File: "config.go", Anchor: Anchor{Func: "(*Config).Validate", Stmt: IfMentions("CompressionZSTD")}, Where: After, Why: "if",
			Code: "\tif c.Producer.Added < 0 {\n\t\treturn nil\n\t}\n"},
	}
}

// writeTree creates files (slash paths) under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
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

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// testOptions lays out an upstream tree, an overlay declaring a replacement
// of replaced.go, and an output path, all in a fresh temporary directory.
func testOptions(t *testing.T) Options {
	t.Helper()
	root := t.TempDir()
	src := filepath.Join(root, "upstream")
	writeTree(t, src, testTree())
	overlay := filepath.Join(root, "overlay")
	writeTree(t, overlay, map[string]string{
		"replaced.go": "package up\n\nfunc Replaced() int { return 2 }\n",
		"added.go":    "package up\n\n// Added is the overlay's.\nfunc Added() {}\n",
	})
	sum, err := fileSHA256(filepath.Join(src, "replaced.go"))
	if err != nil {
		t.Fatal(err)
	}
	return Options{
		Upstream:     Upstream{Module: testModule, Version: "v1.2.3", Hash: "h1:test", Dir: src},
		OverlayDir:   overlay,
		Edits:        testEdits(),
		Replacements: []Replacement{{File: "replaced.go", UpstreamSHA256: sum, Why: "test replacement"}},
		Out:          filepath.Join(root, "build", "up"),
		Commit:       "0123abc-dirty",
	}
}
