package sarama

import "sync"

// zstdCompressor is a producer's handle on its zstd encoder pool, held from
// the producer's start to its close. Compression runs while a request is
// prepared, where the packet encoder carries no producer: the handle
// travels with each record batch instead (RecordBatch.zstd).
type zstdCompressor struct {
	pool *zstdEncoderPool

	// metrics counts what the producer's compressions cause, in its
	// registry.
	metrics *zstdMetrics
}

// newZstdCompressor returns the handle of a producer, or nil if it does not
// compress with zstd. It checks Producer.Zstd itself: the Config of a
// producer made from a client may have changed since NewClient validated
// it, and an unusable limit must not reach a pool.
func newZstdCompressor(conf *Config) (*zstdCompressor, error) {
	if conf.Producer.Compression != CompressionZSTD {
		return nil, nil
	}
	if err := conf.Producer.Zstd.validate(); err != nil {
		return nil, err
	}
	return &zstdCompressor{pool: acquireZstdPool(conf)}, nil
}

// close releases the producer's pool once the producer has stopped
// compressing. A nil handle does nothing.
func (c *zstdCompressor) close() {
	if c != nil {
		releaseZstdPool(c.pool)
	}
}

// zstdPools holds the pools of producers whose settings differ from the
// defaults: producers configured alike share one, and it is freed after
// the last of them closes, so that distinct settings cannot accumulate
// pools. Producers of the default settings use the default pools.
var zstdPools = struct {
	mu    sync.Mutex
	byKey map[zstdPoolKey]*zstdEncoderPool
}{byKey: make(map[zstdPoolKey]*zstdEncoderPool)}

// acquireZstdPool returns the pool of a producer of conf, counting the
// producer among its users until releaseZstdPool.
func acquireZstdPool(conf *Config) *zstdEncoderPool {
	key := zstdProducerPoolKey(conf)
	if key == zstdDefaultPoolKey(conf.Producer.CompressionLevel) {
		return zstdDefaultPool(conf.Producer.CompressionLevel)
	}
	zstdPools.mu.Lock()
	defer zstdPools.mu.Unlock()
	p := zstdPools.byKey[key]
	if p == nil {
		p = newZstdEncoderPool(key)
		zstdPools.byKey[key] = p
	}
	p.refs++
	return p
}

// releaseZstdPool undoes one acquireZstdPool and frees the pool after its
// last user.
func releaseZstdPool(p *zstdEncoderPool) {
	zstdPools.mu.Lock()
	defer zstdPools.mu.Unlock()
	if zstdPools.byKey[p.key] != p {
		return // a default pool
	}
	if p.refs--; p.refs > 0 {
		return
	}
	// Its idle encoders stay for their idle time, for the next producer of
	// the key; the idle timer frees the pool after them (freeIfUnused).
	if p.keepsIdle() {
		return
	}
	delete(zstdPools.byKey, p.key)
}
