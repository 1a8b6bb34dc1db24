package sarama

import (
	"fmt"
	"time"
)

// zstdMaxEncodersLimit caps MaxInUseEncoders and MaxIdleEncoders. A pool's
// channel reserves a pointer per encoder it may lend, and no machine runs
// more than a few hundred compressions at once usefully: the limit only
// catches mistakes such as a byte count passed as an encoder count.
const zstdMaxEncodersLimit = 1 << 16

// zstdDefaultMaxIdleTime is how long an idle encoder is kept by default.
// Rebuilding one costs about 1 ms at the default level and 6 to 10 ms at
// level 19; keeping one costs 1.3 MB at the default level and 36 MB at
// level 19. A minute bounds the rebuilds of a producer that sends less
// often than that to one per encoder per minute, under 0.02% of a core,
// and gives an idle process's encoder memory back within 75 seconds.
const zstdDefaultMaxIdleTime = time.Minute

// zstdMinMaxIdleTime is the shortest MaxIdleTime: the reaper wakes every
// quarter of it, and shorter times would wake it for nothing but rebuilds.
const zstdMinMaxIdleTime = 10 * time.Millisecond

// ZstdEncoderPoolConfig bounds the zstd encoders that producers build, keep
// and use. A zstd encoder is large (1.3 MB at the default level, 36 MB at
// level 19) and costly to build (1 to 10 ms), so encoders live in
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
// An encoder's window is the smallest power of two that holds
// Producer.MaxMessageBytes (at least 64 KiB, at most 8 MiB), so that it
// needs no more memory than the largest batch: 1 MiB for the default, and
// producers whose MaxMessageBytes round to the same window share a pool.
// A batch that fits the window compresses to the same bytes as with
// klauspost/compress's default window of 8 MiB.
//
// Zero values select the defaults, so that a ZstdEncoderPoolConfig{} with
// only some fields set is valid.
type ZstdEncoderPoolConfig struct {
	// MaxInUseEncoders is how many encoders of a pool compress at once.
	// Further compressions wait for a free encoder; the waits show in the
	// zstd-encoder-wait-time-in-us and zstd-encoder-wait-time-total-in-ns
	// metrics. 0, the default, follows GOMAXPROCS as it changes while the
	// process runs (up to the number of CPUs): compression is CPU bound,
	// so more encoders than that add memory, not throughput. When
	// GOMAXPROCS shrinks, encoders above the new bound are dropped as they
	// come back; none is taken from a compression. A positive value is a
	// fixed bound, at most 65536.
	MaxInUseEncoders int
	// MaxIdleEncoders is how many encoders a pool keeps for reuse while no
	// compression needs them. 0, the default, keeps as many as may be in
	// use. A smaller value saves memory between bursts but is costly under
	// load: each returned encoder beyond it is dropped and rebuilt by a
	// later compression, which costs far more than compressing a small
	// batch. MaxIdleTime releases idle memory without that cost.
	MaxIdleEncoders int
	// MaxIdleTime is how long a pool keeps an encoder that no compression
	// needed (1 minute by default; 0 selects the default; at least 10ms
	// otherwise). Such an encoder is dropped within a quarter of that time
	// after it expires, whether or not the pool is used again, and a later
	// compression builds a new one; the bound does not change. Pools whose
	// producers are all closed are freed once their encoders are dropped.
	// Nothing runs in the background while a pool keeps no idle encoder.
	MaxIdleTime time.Duration
}

// newZstdEncoderPoolConfig returns the defaults of NewConfig: a bound that
// follows GOMAXPROCS, idle encoders up to that bound, for a minute.
func newZstdEncoderPoolConfig() ZstdEncoderPoolConfig {
	return ZstdEncoderPoolConfig{MaxIdleTime: zstdDefaultMaxIdleTime}
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
	case c.MaxIdleTime != 0 && c.MaxIdleTime < zstdMinMaxIdleTime:
		return ConfigurationError(fmt.Sprintf(
			"Producer.Zstd.MaxIdleTime must be at least %v, or 0 for the default of %v (got %v)", zstdMinMaxIdleTime, zstdDefaultMaxIdleTime, c.MaxIdleTime))
	}
	return nil
}
