//go:build !functional

package sarama

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// zstdBenchPayload returns n bytes of JSON-like records, which compress a
// few times over, as Kafka batches often do.
func zstdBenchPayload(n int) []byte {
	rng := rand.New(rand.NewPCG(uint64(n), 2965))
	var b bytes.Buffer
	for b.Len() < n {
		fmt.Fprintf(&b, `{"id":%d,"user":"u%05d","amount":%d,"ts":%d}`+"\n",
			rng.Uint32(), rng.IntN(50000), rng.IntN(100000), 1790000000000+rng.Int64N(1e9))
	}
	return b.Bytes()[:n]
}

// BenchmarkZstdCompressParallel encodes produce requests of one zstd batch
// from many more goroutines than CPUs, as the broker producers of a process
// with many producers do: 500 goroutines per CPU for 2 KiB batches, 50 per
// CPU for 1 MiB ones, at level 3. Each operation compresses the batch anew,
// before encoding the request as a producer does. It reports the encoders
// that the level's pool holds after the run: GOMAXPROCS at most, however
// many goroutines compress.
func BenchmarkZstdCompressParallel(b *testing.B) {
	for _, bc := range []struct{ size, goroutinesPerCPU int }{{2 << 10, 500}, {1 << 20, 50}} {
		value := zstdBenchPayload(bc.size)
		b.Run(fmt.Sprintf("size=%dKiB", bc.size>>10), func(b *testing.B) {
			pool := zstdDefaultPool(3)
			b.ReportAllocs()
			b.SetBytes(int64(len(value)))
			b.SetParallelism(bc.goroutinesPerCPU)
			b.RunParallel(func(pb *testing.PB) {
				batch := &RecordBatch{Version: 2, Codec: CompressionZSTD, CompressionLevel: 3}
				batch.addRecord(&Record{Value: value})
				req := &ProduceRequest{Version: 7}
				req.AddBatch("t", 0, batch)
				for pb.Next() {
					batch.compressedRecords = nil
					compressZstdBatches(req)
					if _, err := encode(req, nil); err != nil {
						b.Error(err)
						return
					}
				}
			})
			pool.mu.Lock()
			held := pool.lent + len(pool.idle)
			pool.mu.Unlock()
			b.ReportMetric(float64(held), "encoders")
		})
	}
}

// BenchmarkZstdFirstCompression is what the first 2 KiB compression at
// level 19 allocates, and what stays allocated after it: a pool builds one
// encoder; one encoder with WithEncoderConcurrency(4) builds its four
// encoder states at once.
func BenchmarkZstdFirstCompression(b *testing.B) {
	src := zstdBenchPayload(2 << 10)
	key := zstdDefaultPoolKey(19)
	retained := func(first func() any) float64 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		kept := first()
		runtime.GC()
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(kept)
		return float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / 1e6
	}
	b.Run("pool", func(b *testing.B) {
		first := func() any {
			p := newZstdEncoderPool(key)
			if _, err := p.compress(nil, src, true); err != nil {
				b.Fatal(err)
			}
			return p
		}
		b.ReportAllocs()
		for b.Loop() {
			// Drop the encoder, or a pool that releases idle ones would
			// keep it until then.
			p := first().(*zstdEncoderPool)
			var lease zstdLease
			if p.acquire(&lease, false) == nil {
				p.release(&lease, false)
			}
		}
		b.ReportMetric(retained(first), "retained-MB")
	})
	b.Run("concurrency=4", func(b *testing.B) {
		opts := append(key.encoderOptions(), zstd.WithEncoderConcurrency(4))
		first := func() any {
			enc, err := zstd.NewWriter(nil, opts...)
			if err != nil {
				b.Fatal(err)
			}
			enc.EncodeAll(src, nil)
			return enc
		}
		b.ReportAllocs()
		for b.Loop() {
			first()
		}
		b.ReportMetric(retained(first), "retained-MB")
	})
}
