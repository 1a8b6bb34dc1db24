//go:build !functional

package sarama

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/rcrowley/go-metrics"
)

// newTestZstdMetricSet returns the metric set of a new registry, released
// when the test ends.
func newTestZstdMetricSet(tb testing.TB) *zstdMetricSet {
	m := acquireZstdMetricSet(metrics.NewRegistry())
	tb.Cleanup(m.release)
	return m
}

// zstdTestKey is the key of a pool for unit tests, which build their pools
// with newZstdEncoderPool and so never share them.
func zstdTestKey(level, maxIdle, maxInUse int) zstdPoolKey {
	return newZstdPoolKey(level, defaultProducerMaxMessageBytes,
		ZstdEncoderPoolConfig{MaxIdleEncoders: maxIdle, MaxInUseEncoders: maxInUse})
}

var zstdTestIdleTimes atomic.Int64

// zstdTestConfig returns a producer config whose pool no other test (nor
// another run of the same test) shares, so that counts start from zero:
// pools are keyed by the whole of Producer.Zstd, and each config gets an
// idle time of its own, a little over an hour, longer than any test.
func zstdTestConfig(level, maxIdle, maxInUse int) *Config {
	c := NewConfig()
	c.Version = V2_1_0_0
	c.Producer.Compression = CompressionZSTD
	c.Producer.CompressionLevel = level
	c.Producer.Zstd = ZstdEncoderPoolConfig{
		MaxIdleEncoders:  maxIdle,
		MaxInUseEncoders: maxInUse,
		MaxIdleTime:      time.Hour + time.Duration(zstdTestIdleTimes.Add(1)),
	}
	return c
}

// newTestZstdCompressor returns a producer's handle for conf, closed when
// the test ends.
func newTestZstdCompressor(tb testing.TB, conf *Config) *zstdCompressor {
	c, err := newZstdCompressor(conf)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		c.close()
		drainZstdPool(c.pool)
	})
	return c
}

// drainZstdPool drops the idle encoders of a pool that a test is done
// with, so that the memory of a test's long idle time is not kept for the
// rest of the run, and frees the pool if no producer uses it.
func drainZstdPool(p *zstdEncoderPool) {
	p.takeSpare()
	p.dropIdle(int64(cap(p.slots)))
	zstdPools.mu.Lock()
	p.freeIfUnused()
	zstdPools.mu.Unlock()
}

// zstdPoolCount is how many pools exist.
func zstdPoolCount() int {
	zstdPools.mu.Lock()
	defer zstdPools.mu.Unlock()
	return len(zstdPools.byKey)
}

// encodeWith is encode with encodeAll in place of EncodeAll.
func (p *zstdEncoderPool) encodeWith(m *zstdMetricSet, dst, src []byte, encodeAll zstdEncodeFunc) ([]byte, error) {
	return p.compress(m, true, dst, src, encodeAll)
}

// compress compresses with the producer's pool, appending to dst, waiting
// for an encoder if need be; a level of another encoder uses the default
// pool of that level, without waiting.
func (c *zstdCompressor) compress(level int, dst, src []byte) ([]byte, error) {
	pool, wait := c.poolFor(level, true)
	return pool.compress(c.metrics, wait, dst, src, (*zstd.Encoder).EncodeAll)
}
