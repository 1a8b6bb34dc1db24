package sarama

import "fmt"

// zstdMaxEncodersLimit caps MaxInUseEncoders and MaxIdleEncoders. A pool's
// channel reserves a pointer per encoder it may lend, and no machine runs
// more than a few hundred compressions at once usefully: the limit only
// catches mistakes such as a byte count passed as an encoder count.
const zstdMaxEncodersLimit = 1 << 16

// ZstdEncoderPoolConfig bounds the zstd encoders that producers build, keep
// and use. A zstd encoder is large (megabytes, tens of them at the highest
// levels) and costly to build (milliseconds), so encoders live in
// process-wide pools that every producer of the process configured alike
// shares, whatever the number of producers and brokers.
//
// Pools are keyed by the encoder they lend, not by Sarama's level number:
// klauspost/compress builds the same encoder for several levels, and those
// levels share one pool and one bound.
//
//	Producer.CompressionLevel                   encoder
//	1, 2                                        SpeedFastest
//	CompressionLevelDefault, 3, 4, 5            SpeedDefault
//	6 to 9                                      SpeedBetterCompression
//	10 and above                                SpeedBestCompression
//
// Zero values select the defaults, so that a ZstdEncoderPoolConfig{} with
// only some fields set is valid.
type ZstdEncoderPoolConfig struct {
	// MaxInUseEncoders is how many encoders of a pool compress at once.
	// Further compressions wait for a free encoder. 0, the default,
	// follows GOMAXPROCS as it changes while the process runs (up to the
	// number of CPUs): compression is CPU bound, so more encoders than
	// that add memory, not throughput. When GOMAXPROCS shrinks, encoders
	// above the new bound are dropped as they come back; none is taken
	// from a compression. A positive value is a fixed bound, at most
	// 65536.
	MaxInUseEncoders int
	// MaxIdleEncoders is how many encoders a pool keeps for reuse while no
	// compression needs them. 0, the default, keeps as many as may be in
	// use. A smaller value saves memory between bursts but is costly under
	// load: each returned encoder beyond it is dropped and rebuilt by a
	// later compression, which costs far more than compressing a small
	// batch.
	MaxIdleEncoders int
}

func (c *ZstdEncoderPoolConfig) validate() error {
	switch {
	case c.MaxInUseEncoders < 0:
		return ConfigurationError(fmt.Sprintf(
			"Producer.Zstd.MaxInUseEncoders must be >= 0, 0 to follow GOMAXPROCS (got %d)", c.MaxInUseEncoders))
	case c.MaxInUseEncoders > zstdMaxEncodersLimit:
		return ConfigurationError(fmt.Sprintf(
			"Producer.Zstd.MaxInUseEncoders must be <= %d (got %d)", zstdMaxEncodersLimit, c.MaxInUseEncoders))
	case c.MaxIdleEncoders < 0:
		return ConfigurationError(fmt.Sprintf(
			"Producer.Zstd.MaxIdleEncoders must be >= 0, 0 to keep as many as may be in use (got %d)", c.MaxIdleEncoders))
	case c.MaxIdleEncoders > zstdMaxEncodersLimit:
		return ConfigurationError(fmt.Sprintf(
			"Producer.Zstd.MaxIdleEncoders must be <= %d (got %d)", zstdMaxEncodersLimit, c.MaxIdleEncoders))
	}
	return nil
}
