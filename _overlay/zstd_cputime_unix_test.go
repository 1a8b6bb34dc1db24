//go:build unix && !functional

package sarama

import (
	"syscall"
	"time"
)

// processCPUTime is the CPU time the process has used, user and system. The
// benchmarks report it per operation beside wall time: it counts what the
// pool costs even when other processes share the machine.
func processCPUTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
