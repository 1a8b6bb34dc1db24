package sarama

import (
	"math/bits"

	"github.com/klauspost/compress/zstd"
)

// Bounds of an encoder's window. Below 64 KiB klauspost/compress shrinks
// its blocks too, and above 8 MiB (its default) no batch gains.
const (
	zstdMinWindow = 64 << 10
	zstdMaxWindow = 8 << 20
)

// zstdPoolKey identifies a process-wide encoder pool: the encoder it lends
// and the limits it applies. Producers whose keys are equal share one pool,
// and so one bound, however many there are.
type zstdPoolKey struct {
	speed    zstd.EncoderLevel
	window   int // bytes, a power of two
	maxInUse int // 0 follows GOMAXPROCS
	maxIdle  int // 0 keeps as many as may be in use
}

// newZstdPoolKey maps a producer's level, batch limit and pool limits to
// its pool. Equivalent settings give equal keys: levels that build the same
// encoder, batch limits that round to the same window, and an idle limit at
// or above a fixed in-use limit, which cannot be reached.
func newZstdPoolKey(level, maxMessageBytes int, c ZstdEncoderPoolConfig) zstdPoolKey {
	k := zstdPoolKey{
		speed:    zstdSpeed(level),
		window:   zstdWindow(maxMessageBytes),
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
	return newZstdPoolKey(conf.Producer.CompressionLevel, conf.Producer.MaxMessageBytes, conf.Producer.Zstd)
}

// zstdDefaultPoolKey is the key of a producer made by NewConfig with
// Compression and CompressionLevel set, and of compressions that come
// without a producer (legacy message sets, batches encoded by tests and
// tools): they share pools.
func zstdDefaultPoolKey(level int) zstdPoolKey {
	return newZstdPoolKey(level, defaultProducerMaxMessageBytes, ZstdEncoderPoolConfig{})
}

// defaultProducerMaxMessageBytes is NewConfig's Producer.MaxMessageBytes.
const defaultProducerMaxMessageBytes = 1024 * 1024

// zstdSpeed is the klauspost/compress encoder of a Sarama level.
func zstdSpeed(level int) zstd.EncoderLevel {
	if level == CompressionLevelDefault {
		return zstd.SpeedDefault
	}
	return zstd.EncoderLevelFromZstd(level)
}

// zstdWindow is the smallest power of two that holds a batch of
// maxMessageBytes, within the window bounds. klauspost/compress's default
// window is 8 MiB, with buffers to match, whatever the input; zstd gains
// nothing from a window larger than its input, and a batch that fits the
// window compresses to the same bytes as with the default. A larger batch
// (a single message near Producer.MaxMessageBytes) still gives a standard
// frame, with a window every consumer accepts. Producers whose
// MaxMessageBytes round to the same window share a pool.
func zstdWindow(maxMessageBytes int) int {
	if maxMessageBytes <= zstdMinWindow {
		return zstdMinWindow
	}
	if maxMessageBytes >= zstdMaxWindow {
		return zstdMaxWindow
	}
	return 1 << bits.Len(uint(maxMessageBytes-1))
}

// encoderOptions configures the key's encoders as Sarama's always were, so
// that a batch within the window compresses to the same bytes: one frame per
// batch, even for empty input, and no goroutines of the encoder's own. The
// window and the lower-memory mode only size the encoder's buffers to the
// batches it will see.
func (k zstdPoolKey) encoderOptions() []zstd.EOption {
	return []zstd.EOption{
		zstd.WithZeroFrames(true),
		zstd.WithEncoderLevel(k.speed),
		zstd.WithEncoderConcurrency(1),
		zstd.WithWindowSize(k.window),
		zstd.WithLowerEncoderMem(true),
	}
}
