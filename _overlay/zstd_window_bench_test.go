//go:build !functional

package sarama

import (
	"fmt"
	"runtime"
	"testing"
)

// BenchmarkZstdEncoderMemory compresses a 1 MiB batch at level 19 with an
// encoder of the default pool built for it, and reports what the encoder
// keeps allocated after, per encoder.
func BenchmarkZstdEncoderMemory(b *testing.B) {
	var src []byte
	for i := 0; len(src) < 1<<20; i++ {
		src = fmt.Appendf(src, `{"id":%d,"user":"u%05d","amount":%d}`+"\n", i*7919%100003, i*31%50000, i*17%1000)
	}
	p := newZstdEncoderPool(zstdDefaultPoolKey(19))
	var retained int64
	var ms runtime.MemStats
	for b.Loop() {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		before := int64(ms.HeapAlloc)
		if _, err := compressWaiting(p, src); err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&ms)
		retained += int64(ms.HeapAlloc) - before
		var l zstdLease // drop the idle encoder: the next round builds one
		_ = p.acquire(&l)
		p.release(&l, false)
	}
	b.ReportMetric(float64(retained)/float64(b.N), "retained-B")
}
