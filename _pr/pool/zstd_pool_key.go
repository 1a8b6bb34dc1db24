package sarama

import "github.com/klauspost/compress/zstd"

// zstdPoolKey identifies a process-wide encoder pool: the encoder it lends
// and the limits it applies.
type zstdPoolKey struct {
	speed    zstd.EncoderLevel
	maxInUse int // 0 follows GOMAXPROCS
	maxIdle  int // 0 keeps as many as may be in use
}

// zstdDefaultPoolKey is the key of the pool that compressions at level use.
// Levels that build the same klauspost/compress encoder share it.
func zstdDefaultPoolKey(level int) zstdPoolKey {
	return zstdPoolKey{speed: zstdSpeed(level)}
}

// zstdSpeed is the klauspost/compress encoder of a Sarama level.
func zstdSpeed(level int) zstd.EncoderLevel {
	if level == CompressionLevelDefault {
		return zstd.SpeedDefault
	}
	return zstd.EncoderLevelFromZstd(level)
}

// encoderOptions configures the key's encoders: one frame per batch, even
// for empty input, and no goroutines of the encoder's own.
func (k zstdPoolKey) encoderOptions() []zstd.EOption {
	return []zstd.EOption{
		zstd.WithZeroFrames(true),
		zstd.WithEncoderLevel(k.speed),
		zstd.WithEncoderConcurrency(1),
	}
}
