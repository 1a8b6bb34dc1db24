package sarama

import "github.com/klauspost/compress/zstd"

// zstdPoolKey identifies a process-wide encoder pool: the encoder it lends
// and the limits it applies. Producers whose keys are equal share one pool,
// and so one bound, however many there are.
type zstdPoolKey struct {
	speed    zstd.EncoderLevel
	maxInUse int // 0 follows GOMAXPROCS
	maxIdle  int // 0 keeps as many as may be in use
}

// newZstdPoolKey maps a producer's level and pool limits to its pool.
// Equivalent settings give equal keys: levels that build the same encoder,
// and an idle limit at or above a fixed in-use limit, which cannot be
// reached.
func newZstdPoolKey(level int, c ZstdEncoderPoolConfig) zstdPoolKey {
	k := zstdPoolKey{
		speed:    zstdSpeed(level),
		maxInUse: max(c.MaxInUseEncoders, 0),
		maxIdle:  max(c.MaxIdleEncoders, 0),
	}
	if k.maxInUse > 0 && k.maxIdle >= k.maxInUse {
		k.maxIdle = 0
	}
	return k
}

// zstdProducerPoolKey is the key of the pool a producer of conf uses.
func zstdProducerPoolKey(conf *Config) zstdPoolKey {
	return newZstdPoolKey(conf.Producer.CompressionLevel, conf.Producer.Zstd)
}

// zstdDefaultPoolKey is the key of a producer made by NewConfig with
// Compression and CompressionLevel set, and of compressions that come
// without a producer (legacy message sets, batches encoded by tests and
// tools): they share pools.
func zstdDefaultPoolKey(level int) zstdPoolKey {
	return newZstdPoolKey(level, ZstdEncoderPoolConfig{})
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
