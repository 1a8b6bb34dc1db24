package sarama

import (
	"cmp"
	"time"

	"github.com/klauspost/compress/zstd"
)

// zstdPoolKey identifies an encoder pool: compressions whose keys are equal
// share one pool, and so one bound.
type zstdPoolKey struct {
	speed zstd.EncoderLevel

	// A producer's Producer.Zstd limits; 0 for the defaults.
	maxInUse int // 0 follows GOMAXPROCS
	maxIdle  int // 0 keeps as many as may be in use

	window int // bytes, a power of two (zstdWindow)

	idleTime time.Duration // Producer.Zstd.MaxIdleTime, or its default
}

// zstdDefaultPoolKey is the key of the default pool of a level, which the
// levels that build the same klauspost/compress encoder share.
func zstdDefaultPoolKey(level int) zstdPoolKey {
	k := zstdPoolKey{speed: zstdSpeed(level)}
	k.window = zstdWindow(defaultProducerMaxMessageBytes)
	k.idleTime = zstdDefaultMaxIdleTime
	return k
}

// zstdProducerPoolKey is the key of the pool a producer of conf uses. A
// producer made by NewConfig has its level's default key. Equivalent
// settings give equal keys: levels that build the same encoder, and an
// idle limit at or above a fixed in-use limit, which cannot be reached.
func zstdProducerPoolKey(conf *Config) zstdPoolKey {
	k := zstdPoolKey{speed: zstdSpeed(conf.Producer.CompressionLevel)}
	k.maxInUse = conf.Producer.Zstd.MaxInUseEncoders
	k.maxIdle = conf.Producer.Zstd.MaxIdleEncoders
	if k.maxInUse > 0 && k.maxIdle >= k.maxInUse {
		k.maxIdle = 0
	}
	// Batch limits that round to the same window share a pool.
	k.window = zstdWindow(conf.Producer.MaxMessageBytes)
	k.idleTime = cmp.Or(conf.Producer.Zstd.MaxIdleTime, zstdDefaultMaxIdleTime)
	return k
}

// zstdSpeed is the klauspost/compress encoder of a Sarama level.
func zstdSpeed(level int) zstd.EncoderLevel {
	if level == CompressionLevelDefault {
		return zstd.SpeedDefault
	}
	return zstd.EncoderLevelFromZstd(level)
}

// encoderOptions configures encoders as Sarama always did, so that a batch
// compresses to the same bytes: one frame per batch, even if empty, and no
// goroutines of the encoder's own.
func (k zstdPoolKey) encoderOptions() []zstd.EOption {
	opts := []zstd.EOption{
		zstd.WithZeroFrames(true),
		zstd.WithEncoderLevel(k.speed),
		zstd.WithEncoderConcurrency(1),
	}
	// The window and the lower-memory mode size the encoder's buffers to
	// the batches it will see; a batch within the window compresses to the
	// same bytes.
	opts = append(opts, zstd.WithWindowSize(k.window), zstd.WithLowerEncoderMem(true))
	return opts
}
