package sarama

import "sync"

// ZstdEncoderParams selects the zstd encoders used by zstdCompress.
type ZstdEncoderParams struct {
	Level int
}

// zstdCompress compresses src, appending to dst, for compressions that come
// without a producer: batches that applications or tests build and send
// with Broker.Produce, legacy message sets. They use the pool of the level
// that producers made by NewConfig use, and never wait for an encoder: they
// compress while the request is encoded under the broker's lock. Producers
// go through their zstdCompressor instead, which applies Producer.Zstd,
// compresses before the lock and records metrics.
func zstdCompress(params ZstdEncoderParams, dst, src []byte) ([]byte, error) {
	return zstdDefaultPool(params.Level).encodeNoWait(nil, dst, src)
}

// zstdDefaultPools holds the default pool of each encoder level, found
// without a lock. They stay for the life of the process (one per level, four
// at most); their idle encoders are still dropped after the idle time.
var zstdDefaultPools sync.Map // zstd.EncoderLevel -> *zstdEncoderPool

func zstdDefaultPool(level int) *zstdEncoderPool {
	speed := zstdSpeed(level)
	if p, ok := zstdDefaultPools.Load(speed); ok {
		return p.(*zstdEncoderPool)
	}
	p := acquireZstdPool(zstdDefaultPoolKey(level), nil) // never released
	held, loaded := zstdDefaultPools.LoadOrStore(speed, p)
	if loaded {
		releaseZstdPool(p, nil)
	}
	return held.(*zstdEncoderPool)
}
