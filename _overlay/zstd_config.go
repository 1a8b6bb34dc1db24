package sarama

import (
	"fmt"
	"runtime"
)

// zstdMaxEncodersLimit caps MaxInUseEncoders. Each pool's channel reserves a
// pointer per encoder up front, and no machine runs more than a few hundred
// compressions at once usefully: the limit only catches mistakes such as a
// byte count passed as an encoder count.
const zstdMaxEncodersLimit = 1 << 16

// ZstdEncoderPoolConfig bounds the zstd encoders that producers build, keep
// and use. A zstd encoder is large: building one costs about 1.6 ms and
// 1.6 MB at the default level for batches up to 16 KiB, and 5-10 ms and tens
// of MB for 1 MiB batches or high levels. Encoders live in process-wide
// pools, one per compression level and pair of limits, so every producer and
// broker connection of the process configured alike shares one bound.
type ZstdEncoderPoolConfig struct {
	// MaxIdleEncoders is how many encoders a pool keeps for reuse while no
	// compression needs them (defaults to GOMAXPROCS). 0 keeps none. A value
	// below MaxInUseEncoders saves memory between bursts but is costly under
	// load: each returned encoder beyond it is dropped and rebuilt by a later
	// compression, at about 100 times the cost of compressing a 2 KiB batch.
	// Values above MaxInUseEncoders act as MaxInUseEncoders: no more encoders
	// than that ever exist.
	MaxIdleEncoders int
	// MaxInUseEncoders is how many encoders of a pool compress at once
	// (defaults to GOMAXPROCS). Further compressions wait for a free encoder;
	// the waits show in the zstd-encoder-wait-time-in-us metric. Compression
	// is CPU bound, so more than GOMAXPROCS rarely adds throughput; it adds
	// memory, one encoder each. Must be between 1 and 65536.
	MaxInUseEncoders int
}

// newZstdEncoderPoolConfig returns the defaults: as many encoders in use and
// idle as the process runs goroutines in parallel.
func newZstdEncoderPoolConfig() ZstdEncoderPoolConfig {
	n := max(runtime.GOMAXPROCS(0), 1)
	return ZstdEncoderPoolConfig{MaxIdleEncoders: n, MaxInUseEncoders: n}
}

func (c *ZstdEncoderPoolConfig) validate() error {
	switch {
	case c.MaxInUseEncoders < 1:
		return ConfigurationError(fmt.Sprintf(
			"Producer.Zstd.MaxInUseEncoders must be >= 1 (got %d)", c.MaxInUseEncoders))
	case c.MaxInUseEncoders > zstdMaxEncodersLimit:
		return ConfigurationError(fmt.Sprintf(
			"Producer.Zstd.MaxInUseEncoders must be <= %d (got %d)", zstdMaxEncodersLimit, c.MaxInUseEncoders))
	case c.MaxIdleEncoders < 0:
		return ConfigurationError(fmt.Sprintf(
			"Producer.Zstd.MaxIdleEncoders must be >= 0 (got %d)", c.MaxIdleEncoders))
	}
	return nil
}
