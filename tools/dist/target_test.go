package main

import (
	"testing"

	"golang.org/x/mod/module"
)

func TestCheckTargetAccepts(t *testing.T) {
	for _, m := range []module.Version{
		{Path: "example.com/acme/sarama-zstd", Version: "v1.61.1-zstd.1"},
		{Path: "example.com/acme/sarama-zstd", Version: "v1.61.1-zstd.10"},
		{Path: "example.com/acme/sarama-zstd", Version: "v1.61.1"},
		{Path: "example.com/Acme/Sarama", Version: "v1.61.1-zstd.1"},
		{Path: "example.com/acme/sarama-zstd/v2", Version: "v2.0.0-zstd.1"},
		{Path: "example.com/acme/sarama-zstd", Version: "v0.1.0"},
	} {
		if err := checkTarget(m, "github.com/IBM/sarama"); err != nil {
			t.Errorf("checkTarget(%s) = %v, want nil", m, err)
		}
	}
}

func TestCheckTargetRefuses(t *testing.T) {
	for _, tc := range []struct {
		path, version string
		want          []string // in the error
	}{
		{"example.com/acme/sarama-zstd", "1.61.1-zstd.1", []string{`must start with "v"`, "v1.61.1-zstd.1"}},
		{"example.com/acme/sarama-zstd", "v1.61.1+incompatible", []string{"+incompatible", "has one"}},
		{"example.com/acme/sarama-zstd", "v1.61.1+zstd.1", []string{"build metadata", "v1.61.1-zstd.1"}},
		{"example.com/acme/sarama-zstd", "v1.61", []string{"not canonical", `"v1.61.0"`}},
		{"example.com/acme/sarama-zstd", "v1", []string{"not canonical", `"v1.0.0"`}},
		{"example.com/acme/sarama-zstd", "v1.61.01", []string{"not a semantic version"}},
		{"example.com/acme/sarama-zstd", "latest", []string{`must start with "v"`}},
		{"example.com/acme/sarama-zstd", "v1.61.1-zstd_1", []string{"not a semantic version"}},
		{"example.com/acme/sarama-zstd", "v0.0.0-20250601123045-0123456789ab", []string{"pseudo-version"}},
		{"example.com/acme/sarama-zstd", "v2.0.0", []string{"should be v0 or v1"}},
		{"example.com/acme/sarama-zstd/v2", "v1.61.1-zstd.1", []string{"should be v2"}},
		{"acme/sarama-zstd", "v1.61.1-zstd.1", []string{"not valid", "dot"}},
		{"example.com//sarama", "v1.61.1-zstd.1", []string{"not valid"}},
		{"example.com/acme/sarama-zstd/", "v1.61.1-zstd.1", []string{"not valid"}},
		{"example.com/acme/sarama zstd", "v1.61.1-zstd.1", []string{"not valid"}},
		{"example.com/acme/sarama-zstd@v1", "v1.61.1-zstd.1", []string{"not valid"}},
		{"", "v1.61.1-zstd.1", []string{"not valid"}},
		{"github.com/IBM/sarama", "v1.61.1-zstd.1", []string{"the fork's own", "path of yours"}},
	} {
		err := checkTarget(module.Version{Path: tc.path, Version: tc.version}, "github.com/IBM/sarama")
		if err == nil {
			t.Errorf("checkTarget(%q, %q) = nil, want an error", tc.path, tc.version)
			continue
		}
		mustContain(t, "checkTarget("+tc.path+", "+tc.version+")", err.Error(), tc.want...)
	}
}
