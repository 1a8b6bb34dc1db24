package sarama

import (
	"sync"

	"github.com/klauspost/compress/zstd"
)

// ZstdEncoderParams selects the zstd encoders used by zstdCompress.
type ZstdEncoderParams struct {
	Level int
}

// ZstdDecoderParams selects the zstd decoders used by zstdDecompress.
type ZstdDecoderParams struct{}

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

// zstdDecoderKey includes the size bound because a decoder's memory limit is
// fixed when it is built.
type zstdDecoderKey struct {
	params         ZstdDecoderParams
	maxDecodedSize int
}

var (
	zstdDecoders      sync.Map // zstdDecoderKey -> *zstd.Decoder
	zstdDecodersBuild sync.Mutex
)

// zstdDecompress decompresses src, appending to dst. A maxDecodedSize above
// zero makes output larger than it an error. Decoders are shared: DecodeAll
// is safe for concurrent use and decoders are few (one per size bound).
func zstdDecompress(params ZstdDecoderParams, dst, src []byte, maxDecodedSize int) ([]byte, error) {
	dec, err := zstdDecoderFor(zstdDecoderKey{params, maxDecodedSize})
	if err != nil {
		return nil, err
	}
	return dec.DecodeAll(src, dst)
}

func zstdDecoderFor(key zstdDecoderKey) (*zstd.Decoder, error) {
	if dec, ok := zstdDecoders.Load(key); ok {
		return dec.(*zstd.Decoder), nil
	}
	// Decoders own goroutines and buffers: build each one once, under a lock,
	// rather than racing and closing the losers.
	zstdDecodersBuild.Lock()
	defer zstdDecodersBuild.Unlock()
	if dec, ok := zstdDecoders.Load(key); ok {
		return dec.(*zstd.Decoder), nil
	}
	opts := []zstd.DOption{zstd.WithDecoderConcurrency(0)}
	if key.maxDecodedSize > 0 {
		opts = append(opts, zstd.WithDecoderMaxMemory(uint64(key.maxDecodedSize)))
	}
	dec, err := zstd.NewReader(nil, opts...)
	if err != nil {
		return nil, err
	}
	zstdDecoders.Store(key, dec)
	return dec, nil
}
