package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// build compiles the loadgen for v into build/bin/loadgen-<name>.
func build(root string, v variant) (string, error) {
	bin := filepath.Join(root, "build", "bin", "loadgen-"+v.Name)
	args := []string{"build", "-o", bin}
	if v.Modfile != "" {
		args = append(args, "-modfile="+v.Modfile)
	}
	if v.Tags != "" {
		args = append(args, "-tags", v.Tags)
	}
	args = append(args, "./tools/loadgen")
	cmd := exec.Command("go", args...)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build %s (go %v): %w\n%s", v.Name, args, err, out)
	}
	return bin, nil
}

// runOnce runs a built loadgen with -json and returns its figures and its
// JSON line. A failed run (including a failed read-back) is an error
// carrying its stderr.
func runOnce(bin, name string, flags []string) (map[string]any, []byte, error) {
	args := append(append([]string{}, flags...), "-json", "-variant", name)
	cmd := exec.Command(bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		return nil, nil, fmt.Errorf("%s %v: %w\n%s", name, args, err, stderr.Bytes())
	}
	var last []byte
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) > 0 {
			last = append(last[:0], sc.Bytes()...)
		}
	}
	var fig map[string]any
	if err := json.Unmarshal(last, &fig); err != nil {
		return nil, nil, fmt.Errorf("%s: no JSON line in its output: %w", name, err)
	}
	if os.Getenv("COMPARE_VERBOSE") != "" {
		fmt.Fprintf(os.Stderr, "%s: %s\n", name, last)
	}
	return fig, last, nil
}
