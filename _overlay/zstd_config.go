package sarama

import (
	"fmt"
	"time"
)

// zstdMaxEncodersLimit caps MaxInUseEncoders and MaxIdleEncoders. No
// machine runs more than a few hundred compressions at once usefully: the
// limit only catches mistakes such as a byte count passed as an encoder
// count.
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
//	CompressionLevelDefault, 3, 4, 5            SpeedDefault
//	below 3 (other than the default)            SpeedFastest
//	6 to 9                                      SpeedBetterCompression
//	10 and above                                SpeedBestCompression
//
// Zero values select the defaults, so that a ZstdEncoderPoolConfig{} with
// only some fields set is valid.
type ZstdEncoderPoolConfig struct {
	// MaxInUseEncoders is how many encoders of a pool compress at once.
	// Further compressions wait for a free encoder, in arrival order. 0,
	// the default, follows GOMAXPROCS as it changes while the process
	// runs: compression is CPU bound, so more encoders than that add
	// memory, not throughput. When GOMAXPROCS shrinks, encoders above the
	// new bound are dropped as they come back; none is taken from a
	// compression. A positive value is a fixed bound, at most 65536.
	MaxInUseEncoders int
	// MaxIdleEncoders is how many encoders a pool keeps for reuse while no
	// compression needs them. 0, the default, keeps as many as may be in
	// use. A smaller value saves memory between bursts but is costly under
	// load: each returned encoder beyond it is dropped and rebuilt by a
	// later compression, which costs far more than compressing a small
	// batch.
	MaxIdleEncoders int
	// MaxIdleTime is how long a pool keeps an encoder that no compression
	// needed (1 minute by default; 0 selects the default; at least 10ms
	// otherwise). Such an encoder is dropped at most a quarter of that time
	// after it expires, whether or not the pool is used again, and a later
	// compression builds a new one; the bound does not change. Nothing
	// runs in the background while a pool keeps no idle encoder.
	MaxIdleTime time.Duration
}

func (c *ZstdEncoderPoolConfig) validate() error {
	if c.MaxInUseEncoders < 0 {
		return ConfigurationError(fmt.Sprintf(
			"Producer.Zstd.MaxInUseEncoders must be >= 0, 0 to follow GOMAXPROCS (got %d)", c.MaxInUseEncoders))
	}
	if c.MaxInUseEncoders > zstdMaxEncodersLimit {
		return ConfigurationError(fmt.Sprintf(
			"Producer.Zstd.MaxInUseEncoders must be <= %d (got %d)", zstdMaxEncodersLimit, c.MaxInUseEncoders))
	}
	if c.MaxIdleEncoders < 0 {
		return ConfigurationError(fmt.Sprintf(
			"Producer.Zstd.MaxIdleEncoders must be >= 0, 0 to keep as many as may be in use (got %d)", c.MaxIdleEncoders))
	}
	if c.MaxIdleEncoders > zstdMaxEncodersLimit {
		return ConfigurationError(fmt.Sprintf(
			"Producer.Zstd.MaxIdleEncoders must be <= %d (got %d)", zstdMaxEncodersLimit, c.MaxIdleEncoders))
	}
	if c.MaxIdleTime != 0 && c.MaxIdleTime < zstdMinMaxIdleTime {
		return ConfigurationError(fmt.Sprintf(
			"Producer.Zstd.MaxIdleTime must be at least %v, or 0 for the default of %v (got %v)", zstdMinMaxIdleTime, zstdDefaultMaxIdleTime, c.MaxIdleTime))
	}
	return nil
}
