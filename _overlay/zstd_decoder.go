package sarama

import (
	"sync"

	"github.com/klauspost/compress/zstd"
)

// ZstdDecoderParams selects the zstd decoders used by zstdDecompress.
type ZstdDecoderParams struct{}

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
