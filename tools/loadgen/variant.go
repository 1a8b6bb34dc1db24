package main

import (
	"runtime/debug"

	"sarama-zstd.example/tools/loadgen/workload"
)

const saramaModule = "github.com/IBM/sarama"

// saramaBuild describes the Sarama this binary was linked with, from the
// build information: the module version, and whether it was replaced (the
// fork is a replace of the module by build/sarama).
func saramaBuild() (version string, replaced bool) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown", false
	}
	for _, d := range bi.Deps {
		if d.Path == saramaModule {
			return d.Version, d.Replace != nil
		}
	}
	return "unknown", false
}

// buildVariant is the default label: "fork" for the saramazstd build over
// a replaced module, otherwise the Sarama version.
func buildVariant() string {
	v, replaced := saramaBuild()
	switch {
	case workload.ForkBuild && replaced:
		return "fork"
	case replaced:
		return "replaced " + v
	default:
		return "sarama " + v
	}
}
