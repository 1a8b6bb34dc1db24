package sarama

import "sync"

// ZstdEncoderParams selects the zstd encoders used by zstdCompress.
type ZstdEncoderParams struct {
	Level int
}

// zstdDefaultLimits are the pool limits for compressions that come without a
// producer's configuration (legacy message sets, tests, tools): the defaults
// of NewConfig, read once so that a later GOMAXPROCS change does not split
// the pools.
var zstdDefaultLimits = sync.OnceValue(newZstdEncoderPoolConfig)

// zstdCompress compresses src, appending to dst, with an encoder from the
// default pool of the level. Producers go through their zstdCompressor
// instead, which applies Producer.Zstd and records metrics.
func zstdCompress(params ZstdEncoderParams, dst, src []byte) ([]byte, error) {
	limits := zstdDefaultLimits()
	pool := zstdPoolFor(params.Level, limits.MaxIdleEncoders, limits.MaxInUseEncoders)
	return pool.encode(nil, dst, src)
}
