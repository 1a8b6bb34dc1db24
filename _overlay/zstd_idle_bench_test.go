//go:build !functional

package sarama

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"
)

// BenchmarkZstdIdleRelease compresses 256 KiB batches at level 19 from
// GOMAXPROCS goroutines at once through a producer's pool whose
// MaxIdleTime is 50ms, then leaves it idle: it reports the heap the pool's
// encoders keep right after, and once the idle time and a quarter of it
// have passed.
func BenchmarkZstdIdleRelease(b *testing.B) {
	var src []byte
	for i := 0; len(src) < 256<<10; i++ {
		src = fmt.Appendf(src, `{"id":%d,"user":"u%05d","amount":%d}`+"\n", i*7919%100003, i*31%50000, i*17%1000)
	}
	heap := func() int64 {
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		return int64(ms.HeapAlloc)
	}
	var kept, left int64
	for b.Loop() {
		conf := zstdLimitsConfig(19, 0, 0)
		conf.Producer.Zstd.MaxIdleTime = 50 * time.Millisecond
		c, err := newZstdCompressor(conf)
		if err != nil {
			b.Fatal(err)
		}
		base := heap()
		var wg sync.WaitGroup
		for range runtime.GOMAXPROCS(0) {
			wg.Go(func() { _, _ = compressWaiting(c.pool, src) })
		}
		wg.Wait()
		c.close()
		kept += heap() - base
		time.Sleep(50*time.Millisecond + 50*time.Millisecond/4)
		left += heap() - base
	}
	b.ReportMetric(float64(kept)/float64(b.N), "kept-B")
	b.ReportMetric(float64(left)/float64(b.N), "after-idle-B")
}
