//go:build !functional

package sarama

import (
	"bytes"
	"fmt"
	"runtime"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// The fork sizes each encoder's window to the producer's batches and asks
// klauspost/compress for its lower-memory mode. These tests and benchmarks
// are the measurements behind that choice; they compare the fork's options
// with upstream Sarama's (zstdUpstreamEncoderOptions).

// TestZstdEncoderSameBytesAsUpstream checks that the options change no byte
// on the wire for a batch that fits the window, at every encoder level.
func TestZstdEncoderSameBytesAsUpstream(t *testing.T) {
	for _, level := range []int{1, CompressionLevelDefault, 7, 19} {
		fork, err := zstd.NewWriter(nil, zstdDefaultPoolKey(level).encoderOptions()...)
		if err != nil {
			t.Fatal(err)
		}
		upstream, err := zstd.NewWriter(nil, zstdUpstreamEncoderOptions(level)...)
		if err != nil {
			t.Fatal(err)
		}
		sizes := []int{0, 100, 2 << 10, 64 << 10}
		if level < 6 {
			// The largest batch that fits the window; slow at high levels.
			sizes = append(sizes, 1<<20)
		}
		for _, size := range sizes {
			src := zstdTestPayload(size)
			if !bytes.Equal(fork.EncodeAll(src, nil), upstream.EncodeAll(src, nil)) {
				t.Errorf("level %d, %d bytes: the fork's encoder wrote other bytes than upstream's", level, size)
			}
		}
	}
}

// zstdRetainedBytes is the heap an encoder keeps after one EncodeAll of a
// batch of size bytes.
func zstdRetainedBytes(tb testing.TB, opts []zstd.EOption, size int) int64 {
	src := zstdTestPayload(size)
	heap := func() int64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return int64(ms.HeapAlloc)
	}
	before := heap()
	enc, err := zstd.NewWriter(nil, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	_ = enc.EncodeAll(src, nil)
	retained := heap() - before
	runtime.KeepAlive(enc)
	return retained
}

// TestZstdEncoderRetainedBytes asserts the memory an encoder keeps, which
// depends on klauspost/compress's buffers, not on the machine: at most 4 MB
// at the default level after a 1 MiB batch (upstream's options: 18.9 MB),
// and less than upstream's at level 19.
func TestZstdEncoderRetainedBytes(t *testing.T) {
	for _, tc := range []struct {
		level, size int
		max         int64
	}{
		{CompressionLevelDefault, 2 << 10, 1_500_000},
		{CompressionLevelDefault, 1 << 20, 4_000_000},
		{19, 1 << 20, 40_000_000},
	} {
		fork := zstdRetainedBytes(t, zstdDefaultPoolKey(tc.level).encoderOptions(), tc.size)
		upstream := zstdRetainedBytes(t, zstdUpstreamEncoderOptions(tc.level), tc.size)
		t.Logf("level %d, %d bytes: fork %d, upstream %d bytes retained", tc.level, tc.size, fork, upstream)
		if fork > tc.max {
			t.Errorf("level %d, %d-byte batch: an encoder keeps %d bytes, want at most %d", tc.level, tc.size, fork, tc.max)
		}
		if fork >= upstream {
			t.Errorf("level %d, %d-byte batch: the fork's encoder keeps %d bytes, upstream's %d", tc.level, tc.size, fork, upstream)
		}
	}
}

// BenchmarkZstdEncoderOptions compresses one batch at a time with one
// encoder, with upstream's options and the fork's, reporting the memory
// the encoder keeps (retained-bytes) and the compression ratio beside the
// speed. Run with: make bench-encoder
func BenchmarkZstdEncoderOptions(b *testing.B) {
	for _, level := range []int{CompressionLevelDefault, 19} {
		for _, size := range []int{2 << 10, 64 << 10, 1 << 20} {
			src := zstdTestPayload(size)
			for _, o := range []struct {
				name string
				opts []zstd.EOption
			}{
				{"upstream", zstdUpstreamEncoderOptions(level)},
				{"fork", zstdDefaultPoolKey(level).encoderOptions()},
			} {
				b.Run(fmt.Sprintf("level=%d/size=%d/options=%s", level, size, o.name), func(b *testing.B) {
					retained := zstdRetainedBytes(b, o.opts, size)
					enc, err := zstd.NewWriter(nil, o.opts...)
					if err != nil {
						b.Fatal(err)
					}
					dst := enc.EncodeAll(src, nil)
					b.SetBytes(int64(size))
					b.ReportAllocs()
					b.ResetTimer()
					for b.Loop() {
						dst = enc.EncodeAll(src, dst[:0])
					}
					b.ReportMetric(float64(retained), "retained-bytes")
					b.ReportMetric(float64(size)/float64(len(dst)), "ratio")
				})
			}
		}
	}
}

// BenchmarkZstdEncoderBuild measures what dropping an idle encoder costs
// when a later compression needs one again: building it and its first
// compression, against a compression with a warm encoder.
func BenchmarkZstdEncoderBuild(b *testing.B) {
	for _, level := range []int{CompressionLevelDefault, 19} {
		for _, size := range []int{2 << 10, 1 << 20} {
			src := zstdTestPayload(size)
			opts := zstdDefaultPoolKey(level).encoderOptions()
			b.Run(fmt.Sprintf("level=%d/size=%d/encoder=new", level, size), func(b *testing.B) {
				for b.Loop() {
					enc, err := zstd.NewWriter(nil, opts...)
					if err != nil {
						b.Fatal(err)
					}
					_ = enc.EncodeAll(src, nil)
				}
			})
			b.Run(fmt.Sprintf("level=%d/size=%d/encoder=warm", level, size), func(b *testing.B) {
				enc, err := zstd.NewWriter(nil, opts...)
				if err != nil {
					b.Fatal(err)
				}
				for b.Loop() {
					_ = enc.EncodeAll(src, nil)
				}
			})
		}
	}
}
