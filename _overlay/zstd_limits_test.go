//go:build !functional

package sarama

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// zstdLimitsConfig returns a zstd producer config with Producer.Zstd limits.
func zstdLimitsConfig(level, maxInUse, maxIdle int) *Config {
	c := NewTestConfig()
	c.Version = V2_1_0_0
	c.Producer.Compression, c.Producer.CompressionLevel = CompressionZSTD, level
	c.Producer.Zstd.MaxInUseEncoders, c.Producer.Zstd.MaxIdleEncoders = maxInUse, maxIdle
	return c
}

// newZstdTestCompressor returns a producer's handle, closed when the test ends.
func newZstdTestCompressor(tb testing.TB, conf *Config) *zstdCompressor {
	c, err := newZstdCompressor(conf)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(c.close)
	return c
}

// TestZstdLimitsShareOnePool: producers configured alike share a pool,
// at levels that build the same encoder; other limits have a pool of their
// own, freed with its last producer; NewConfig's use the default pool.
func TestZstdLimitsShareOnePool(t *testing.T) {
	a := newZstdTestCompressor(t, zstdLimitsConfig(3, 2, 1))
	if b := newZstdTestCompressor(t, zstdLimitsConfig(5, 2, 1)); b.pool != a.pool {
		t.Error("levels 3 and 5 with the same limits have pools of their own")
	}
	if d := newZstdTestCompressor(t, zstdLimitsConfig(3, 0, 0)); d.pool != zstdDefaultPool(3) {
		t.Error("a producer of the default limits has a pool of its own")
	}
	other := newZstdTestCompressor(t, zstdLimitsConfig(3, 3, 1))
	if other.pool == a.pool {
		t.Error("different limits share a pool")
	}
	other.close()
	zstdPools.mu.Lock()
	defer zstdPools.mu.Unlock()
	if zstdPools.byKey[other.pool.key] != nil {
		t.Error("a pool that no producer uses and that keeps no encoder is not freed")
	}
}

// TestZstdLimitsBound: MaxInUseEncoders bounds a pool below GOMAXPROCS, and
// MaxIdleEncoders keeps fewer idle.
func TestZstdLimitsBound(t *testing.T) {
	withGOMAXPROCS(t, 4)
	p := newZstdTestCompressor(t, zstdLimitsConfig(1, 2, 1)).pool
	a, b := lend(t, p), lend(t, p)
	done := make(chan error)
	go func() { _, err := compressWaiting(p, []byte("waits")); done <- err }()
	zstdEventually(t, "a third compression to wait", func() bool { _, _, w := p.counts(); return w == 1 })
	p.release(a, true)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	p.release(b, true)
	if lent, idle, _ := p.counts(); lent != 0 || idle != 1 {
		t.Errorf("%d lent, %d idle, want 0 and MaxIdleEncoders 1", lent, idle)
	}
}

// TestZstdLimitsCheckedByTheProducer: a producer made from a client whose
// Config changed after NewClient refuses an unusable limit; a producer that
// does not compress with zstd ignores them.
func TestZstdLimitsCheckedByTheProducer(t *testing.T) {
	broker := NewMockBroker(t, 1)
	defer broker.Close()
	broker.SetHandlerByMap(map[string]MockResponse{
		"MetadataRequest": NewMockMetadataResponse(t).SetBroker(broker.Addr(), broker.BrokerID()),
	})
	client, err := NewClient([]string{broker.Addr()}, zstdLimitsConfig(3, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	client.Config().Producer.Zstd.MaxInUseEncoders = -1
	producer, err := NewAsyncProducerFromClient(client)
	var cerr ConfigurationError
	if !errors.As(err, &cerr) || !strings.Contains(err.Error(), "Producer.Zstd.MaxInUseEncoders") {
		if producer != nil {
			_ = producer.Close()
		}
		t.Fatalf("err = %v, want a ConfigurationError naming Producer.Zstd.MaxInUseEncoders", err)
	}
	c := zstdLimitsConfig(3, -1, -1)
	c.Producer.Compression = CompressionLZ4
	if err := c.Validate(); err != nil {
		t.Errorf("an LZ4 producer's config refused for its zstd limits: %v", err)
	}
}

// BenchmarkZstdLimits compresses 256 KiB batches at level 19 from 25
// goroutines per CPU through a producer's pool, at the default bound
// (GOMAXPROCS) and at MaxInUseEncoders 1, and reports the heap its idle
// encoders keep after.
func BenchmarkZstdLimits(b *testing.B) {
	var src []byte
	for i := 0; len(src) < 256<<10; i++ {
		src = fmt.Appendf(src, `{"id":%d,"user":"u%05d","amount":%d}`+"\n", i*7919%100003, i*31%50000, i*17%1000)
	}
	for _, maxInUse := range []int{0, 1} {
		b.Run(fmt.Sprintf("MaxInUseEncoders=%d", maxInUse), func(b *testing.B) {
			p := newZstdTestCompressor(b, zstdLimitsConfig(19, maxInUse, 0)).pool
			b.ReportAllocs()
			b.SetParallelism(25)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := compressWaiting(p, src); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.StopTimer()
			heap := func() int64 {
				var ms runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&ms)
				return int64(ms.HeapAlloc)
			}
			kept := heap()
			_, idle, _ := p.counts()
			for range idle { // drop them
				p.release(lend(b, p), false)
			}
			b.ReportMetric(float64(kept-heap()), "idle-encoders-B")
		})
	}
}

// compressWaiting compresses src with an encoder of p, waiting for one as a
// producer's compression does.
func compressWaiting(p *zstdEncoderPool, src []byte) ([]byte, error) {
	l := &zstdLease{}
	if err := p.acquire(l); err != nil {
		return nil, err
	}
	defer p.release(l, true)
	return l.enc.EncodeAll(src, nil), nil
}
