package sarama

// zstdCompressor is a producer's handle on the process-wide zstd encoder
// pools: the pool of its configuration, held from the producer's start to
// its close, and the metrics of its registry. Compression runs while a
// request is being prepared, where the packet encoder carries no registry;
// the handle travels with each record batch instead (RecordBatch.zstd), so
// every encoder built and every wait is counted once, for the producer
// whose batch caused it.
type zstdCompressor struct {
	pool    *zstdEncoderPool
	metrics *zstdMetricSet
}

// newZstdCompressor returns the handle for a producer, or nil if the
// producer does not compress with zstd. It checks Producer.Zstd itself: a
// producer made from a client whose Config changed after NewClient was
// never validated, and an unusable limit must not reach a pool.
func newZstdCompressor(conf *Config) (*zstdCompressor, error) {
	if conf.Producer.Compression != CompressionZSTD {
		return nil, nil
	}
	if err := conf.Producer.Zstd.validate(); err != nil {
		return nil, err
	}
	m := acquireZstdMetricSet(conf.MetricRegistry)
	return &zstdCompressor{pool: acquireZstdPool(zstdProducerPoolKey(conf), m), metrics: m}, nil
}

// close releases the producer's pool and metrics; the producer calls it once
// it has stopped compressing. A nil handle does nothing.
func (c *zstdCompressor) close() {
	if c == nil {
		return
	}
	releaseZstdPool(c.pool, c.metrics)
	c.metrics.release()
}

// poolFor returns the pool of a batch's level, and whether a compression
// there may wait.
func (c *zstdCompressor) poolFor(level int, wait bool) (*zstdEncoderPool, bool) {
	if zstdSpeed(level) != c.pool.key.speed {
		return zstdDefaultPool(level), false
	}
	return c.pool, wait
}
