//go:build !unix

package workload

import "time"

// processCPU is not measured outside unix systems.
func processCPU() (time.Duration, bool) { return 0, false }
