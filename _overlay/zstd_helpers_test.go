//go:build !functional

package sarama

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/rcrowley/go-metrics"
)

// newTestZstdMetrics returns the zstd metrics of a new registry, as a
// producer of that registry registers them.
func newTestZstdMetrics() (*zstdMetrics, metrics.Registry) {
	r := metrics.NewRegistry()
	c := &zstdCompressor{}
	c.registerMetrics(r)
	return c.metrics, r
}

// zstdTestKey is the key of a pool for unit tests, which build their pools
// with newZstdEncoderPool and so never share them.
func zstdTestKey(level, maxIdle, maxInUse int) zstdPoolKey {
	conf := NewConfig()
	conf.Producer.CompressionLevel = level
	conf.Producer.Zstd = ZstdEncoderPoolConfig{MaxIdleEncoders: maxIdle, MaxInUseEncoders: maxInUse}
	return zstdProducerPoolKey(conf)
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

// newTestZstdCompressor returns a producer's handle for conf, its metrics
// registered as a producer registers them; closed when the test ends.
func newTestZstdCompressor(tb testing.TB, conf *Config) *zstdCompressor {
	c, err := newZstdCompressor(conf)
	if err != nil {
		tb.Fatal(err)
	}
	registry := newCleanupRegistry(conf.MetricRegistry)
	c.registerMetrics(registry)
	tb.Cleanup(func() {
		c.close()
		registry.(*cleanupRegistry).UnregisterAll()
		drainZstdPool(c.pool)
	})
	return c
}

// drainZstdPool drops the idle encoders and the spare of a pool that a
// test is done with, so that the memory of a test's long idle time is not
// kept for the rest of the run, and frees the pool if no producer uses it.
func drainZstdPool(p *zstdEncoderPool) {
	p.mu.Lock()
	p.idle, p.idleSince, p.spare = nil, nil, nil
	p.mu.Unlock()
	p.freeIfUnused()
}

// zstdPoolCount is how many producers' pools exist.
func zstdPoolCount() int {
	zstdPools.mu.Lock()
	defer zstdPools.mu.Unlock()
	return len(zstdPools.byKey)
}

// get lends an encoder for a test to hold, waiting if need be, counted in m.
func (p *zstdEncoderPool) get(tb testing.TB, m *zstdMetrics) *zstdLease {
	tb.Helper()
	l := &zstdLease{metrics: m}
	if err := p.acquire(l); err != nil {
		tb.Fatal(err)
	}
	return l
}

// encode compresses src with the pool, waiting for an encoder if need be,
// counted in m.
func (p *zstdEncoderPool) encode(m *zstdMetrics, src []byte) ([]byte, error) {
	l := zstdLease{metrics: m}
	if err := p.acquire(&l); err != nil {
		return nil, err
	}
	defer p.release(&l, true)
	return l.enc.EncodeAll(src, nil), nil
}

// compress compresses with the producer's pool, as its batches are.
func (c *zstdCompressor) compress(src []byte) ([]byte, error) {
	l := zstdLease{metrics: c.metrics}
	if err := c.pool.acquire(&l); err != nil {
		return nil, err
	}
	defer c.pool.release(&l, true)
	return l.enc.EncodeAll(src, nil), nil
}

// zstdCounter and zstdGauge read a metric of r, or fail the test.
func zstdCounter(tb testing.TB, r metrics.Registry, name string) int64 {
	tb.Helper()
	c, ok := r.Get(name).(metrics.Counter)
	if !ok {
		tb.Fatalf("%s is %T, not a counter", name, r.Get(name))
	}
	return c.Count()
}

func zstdGauge(tb testing.TB, r metrics.Registry, name string) int64 {
	tb.Helper()
	g, ok := r.Get(name).(metrics.Gauge)
	if !ok {
		tb.Fatalf("%s is %T, not a gauge", name, r.Get(name))
	}
	return g.Value()
}
