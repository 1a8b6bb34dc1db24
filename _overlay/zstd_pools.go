package sarama

import "sync"

// zstdDefaultPools holds the default pool of each encoder level, made on
// first use and kept, as the encoder cache was: four at most.
var zstdDefaultPools sync.Map // zstd.EncoderLevel -> *zstdEncoderPool

// zstdDefaultPool returns the default pool of a compression level.
func zstdDefaultPool(level int) *zstdEncoderPool {
	speed := zstdSpeed(level)
	if p, ok := zstdDefaultPools.Load(speed); ok {
		return p.(*zstdEncoderPool)
	}
	p, _ := zstdDefaultPools.LoadOrStore(speed, newZstdEncoderPool(zstdDefaultPoolKey(level)))
	return p.(*zstdEncoderPool)
}
