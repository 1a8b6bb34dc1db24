package workload

import (
	"github.com/klauspost/compress/zstd"
)

// SampleCompressionRatio compresses n consecutive values of one producer as
// one block, the way a producer batch is compressed, and returns
// uncompressed/compressed size. It checks that the synthetic values are
// "semi-compressible" (about 3-5x) before any Kafka is involved; the ratio of
// the batches really produced is measured separately when reading back.
func SampleCompressionRatio(n, size, level int) float64 {
	var raw []byte
	for seq := range n {
		raw = append(raw, Value(0, seq, size)...)
	}
	opts := []zstd.EOption{zstd.WithEncoderConcurrency(1)}
	if level > 0 {
		opts = append(opts, zstd.WithEncoderLevel(zstd.EncoderLevelFromZstd(level)))
	}
	enc, err := zstd.NewWriter(nil, opts...)
	if err != nil {
		return 0
	}
	defer enc.Close()
	out := enc.EncodeAll(raw, nil)
	return float64(len(raw)) / float64(len(out))
}
