package sarama

// ZstdEncoderParams selects the zstd encoders used by zstdCompress.
type ZstdEncoderParams struct {
	Level int
}

// zstdCompress compresses src, appending to dst, for compressions that come
// without a producer (legacy message sets, batches encoded by tests and
// tools). They use the pool of the level that producers made by NewConfig
// use. Producers go through their zstdCompressor instead, which applies
// Producer.Zstd and records metrics.
func zstdCompress(params ZstdEncoderParams, dst, src []byte) ([]byte, error) {
	return zstdCompressWithDefaults(nil, params.Level, dst, src)
}

// zstdCompressWithDefaults compresses with the default pool of level, held
// for this one compression.
func zstdCompressWithDefaults(m *zstdMetricSet, level int, dst, src []byte) ([]byte, error) {
	pool := acquireZstdPool(zstdDefaultPoolKey(level), nil)
	defer releaseZstdPool(pool, nil)
	return pool.encode(m, dst, src)
}
