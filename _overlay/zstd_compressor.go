package sarama

import (
	"time"

	"github.com/rcrowley/go-metrics"
)

// Names of the zstd pool's metrics, registered in the producer's registry.
const (
	zstdEncodersCreatedMetric = "zstd-encoders-created"
	zstdEncoderWaitMetric     = "zstd-encoder-wait-time-in-us"
	zstdEncodersInUseMetric   = "zstd-encoders-in-use"
	zstdEncodersIdleMetric    = "zstd-encoders-idle"
)

// zstdCompressor is a producer's handle on the process-wide zstd encoder
// pools: the pool for its configured level and limits, and the metrics of
// its own registry. Compression runs while a request is being prepared,
// where the packet encoder carries no registry; the handle travels with
// each record batch instead, so every encoder built and every wait is
// counted once, for the producer whose batch caused it.
type zstdCompressor struct {
	limits  ZstdEncoderPoolConfig
	pool    *zstdEncoderPool
	metrics zstdPoolMetrics
}

// newZstdCompressor returns the handle for a producer, or nil if the
// producer does not compress with zstd.
func newZstdCompressor(conf *Config, registry metrics.Registry) *zstdCompressor {
	if conf.Producer.Compression != CompressionZSTD {
		return nil
	}
	limits := conf.Producer.Zstd
	pool := zstdPoolFor(conf.Producer.CompressionLevel, limits.MaxIdleEncoders, limits.MaxInUseEncoders)
	registry.GetOrRegister(zstdEncodersInUseMetric, func() metrics.Gauge {
		return metrics.NewFunctionalGauge(pool.inUse)
	})
	registry.GetOrRegister(zstdEncodersIdleMetric, func() metrics.Gauge {
		return metrics.NewFunctionalGauge(pool.idleEncoders)
	})
	return &zstdCompressor{
		limits: limits,
		pool:   pool,
		metrics: zstdPoolMetrics{
			created: metrics.GetOrRegisterCounter(zstdEncodersCreatedMetric, registry),
			wait:    getOrRegisterHistogram(zstdEncoderWaitMetric, registry),
		},
	}
}

// compress compresses a record batch. Batches carry the producer's level, so
// the pool looked up at construction serves them all; another level gets
// its own pool with the same limits.
func (c *zstdCompressor) compress(level int, src []byte) ([]byte, error) {
	pool := c.pool
	if level != pool.key.level {
		pool = zstdPoolFor(level, c.limits.MaxIdleEncoders, c.limits.MaxInUseEncoders)
	}
	return pool.encode(&c.metrics, nil, src)
}

// zstdPoolMetrics records a pool's events for one producer. A nil
// *zstdPoolMetrics records nothing.
type zstdPoolMetrics struct {
	created metrics.Counter
	wait    metrics.Histogram
}

func (m *zstdPoolMetrics) built() {
	if m != nil {
		m.created.Inc(1)
	}
}

func (m *zstdPoolMetrics) waited(d time.Duration) {
	if m != nil {
		m.wait.Update(d.Microseconds())
	}
}
