package sarama

// zstdCompressor is a producer's handle on the process-wide zstd encoder
// pools: the pool of its configuration, held from the producer's start to
// its close, and the metrics of its registry. Compression runs while a
// request is being prepared, where the packet encoder carries no registry;
// the handle travels with each record batch instead, so every encoder built
// and every wait is counted once, for the producer whose batch caused it.
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
	key := newZstdPoolKey(conf.Producer.CompressionLevel, conf.Producer.MaxMessageBytes, conf.Producer.Zstd)
	m := acquireZstdMetricSet(conf.MetricRegistry)
	return &zstdCompressor{pool: acquireZstdPool(key, m), metrics: m}, nil
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

// compress compresses a record batch. Batches carry the producer's level;
// one at a level of another encoder (set by hand on a batch) uses the
// default pool of that level.
func (c *zstdCompressor) compress(level int, src []byte) ([]byte, error) {
	if zstdSpeed(level) != c.pool.key.speed {
		return zstdCompressWithDefaults(c.metrics, level, nil, src)
	}
	return c.pool.encode(c.metrics, nil, src)
}

// compressRequest compresses the zstd record batches of a produce request
// before the request is sent. Encoding a request holds its broker's lock,
// and a compression may wait for an encoder that other producers of the
// process hold; done here, the wait holds up this producer's requests to
// that broker only, not the metadata, fetch or transaction requests that
// share the connection. A batch keeps its compressed records, which the
// request's encoding then uses. A batch that fails here stays uncompressed,
// and encoding the request tries again and reports the error.
func (c *zstdCompressor) compressRequest(req *ProduceRequest) {
	if c == nil {
		return
	}
	for _, partitions := range req.records {
		for _, records := range partitions {
			b := records.RecordBatch
			if b == nil || b.zstd == nil || b.Codec != CompressionZSTD || b.compressedRecords != nil {
				continue
			}
			_ = b.encodeRecords(&prepEncoder{})
		}
	}
}
