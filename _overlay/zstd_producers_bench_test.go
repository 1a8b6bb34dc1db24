//go:build !functional

package sarama

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// BenchmarkZstdManyProducers sends messages from 50 synchronous producers
// per CPU at once, each with a connection of its own to one mock broker,
// as a process with many producers does: a request of one zstd batch per
// message, at the default level. It reports the zstd encoders built per
// message, counted in the heap profile, which records every allocation
// while it runs (and so slows the code before and after a change alike).
func BenchmarkZstdManyProducers(b *testing.B) {
	for _, size := range []int{2 << 10, 512 << 10} {
		var value []byte
		for i := 0; len(value) < size; i++ {
			value = fmt.Appendf(value, `{"id":%d,"user":"u%05d","amount":%d}`+"\n", i*7919%100003, i*31%50000, i*17%1000)
		}
		b.Run(fmt.Sprintf("size=%dKiB", size>>10), func(b *testing.B) {
			broker := NewMockBroker(b, 1)
			defer broker.Close()
			broker.SetHandlerByMap(map[string]MockResponse{
				"MetadataRequest": NewMockMetadataResponse(b).SetBroker(broker.Addr(), broker.BrokerID()).SetLeader("t", 0, broker.BrokerID()),
				"ProduceRequest":  NewMockProduceResponse(b),
			})
			producers := make(chan SyncProducer, 50*runtime.GOMAXPROCS(0))
			for range cap(producers) {
				conf := NewTestConfig()
				conf.Version, conf.Producer.Compression, conf.Producer.Return.Successes = V2_1_0_0, CompressionZSTD, true
				p, err := NewSyncProducer([]string{broker.Addr()}, conf)
				if err != nil {
					b.Fatal(err)
				}
				defer func() { _ = p.Close() }()
				producers <- p
			}
			defer func(rate int) { runtime.MemProfileRate = rate }(runtime.MemProfileRate)
			runtime.MemProfileRate = 1
			built := zstdEncodersBuilt()
			b.ReportAllocs()
			b.SetBytes(int64(size))
			b.SetParallelism(50)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				p := <-producers
				for pb.Next() {
					if _, _, err := p.SendMessage(&ProducerMessage{Topic: "t", Value: ByteEncoder(value[:size])}); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.StopTimer()
			b.ReportMetric(float64(zstdEncodersBuilt()-built)/float64(b.N), "encoders/op")
		})
	}
}

// zstdEncodersBuilt is how many zstd encoders were built while the heap
// profile recorded every allocation: the objects zstd.NewWriter allocated.
func zstdEncodersBuilt() (built int64) {
	runtime.GC() // the profile is as of the last collection
	n, _ := runtime.MemProfile(nil, true)
	records := make([]runtime.MemProfileRecord, n+100)
	n, _ = runtime.MemProfile(records, true)
	for _, r := range records[:n] {
		frames := runtime.CallersFrames(r.Stack())
		f, more := frames.Next()
		for more && strings.HasPrefix(f.Function, "runtime.") {
			f, more = frames.Next()
		}
		if strings.HasSuffix(f.Function, "/klauspost/compress/zstd.NewWriter") {
			built += r.AllocObjects
		}
	}
	return built
}
