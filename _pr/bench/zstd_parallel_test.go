//go:build !functional

package sarama

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
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
// CPU for 1 MiB ones, at level 3. Each operation compresses the batch anew.
func BenchmarkZstdCompressParallel(b *testing.B) {
	for _, bc := range []struct{ size, goroutinesPerCPU int }{{2 << 10, 500}, {1 << 20, 50}} {
		value := zstdBenchPayload(bc.size)
		b.Run(fmt.Sprintf("size=%dKiB", bc.size>>10), func(b *testing.B) {
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
					if _, err := encode(req, nil); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
