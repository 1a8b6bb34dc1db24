package workload

import "time"

// PoolSettings are the fork's zstd encoder pool settings (Producer.Zstd) a
// run may set. Zero values keep the fork's defaults; upstream and legacy
// builds accept only the zero value (see SetPool).
type PoolSettings struct {
	MaxInUse    int           // Producer.Zstd.MaxInUseEncoders
	MaxIdle     int           // Producer.Zstd.MaxIdleEncoders
	MaxIdleTime time.Duration // Producer.Zstd.MaxIdleTime
}

// IsZero reports whether s asks for nothing but the defaults.
func (s PoolSettings) IsZero() bool { return s == PoolSettings{} }
