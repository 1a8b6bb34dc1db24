// Package modroot finds the sarama-zstd module's root directory, so that
// the tools work from any working directory inside it.
package modroot

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Dir is the directory of the root go.mod, as the go command finds it.
func Dir() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("not inside the sarama-zstd module")
	}
	return filepath.Dir(gomod), nil
}
