//go:build !functional

package sarama

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// BenchmarkZstdManyProducers sends 512 KiB messages from 50 synchronous
// producers per CPU at once to one mock broker, a zstd batch each, and
// reports the encoders built per message, read from the heap profile.
func BenchmarkZstdManyProducers(b *testing.B) {
	var value []byte
	for i := 0; len(value) < 512<<10; i++ {
		value = fmt.Appendf(value, `{"id":%d,"user":"u%05d","amount":%d}`+"\n", i*7919%100003, i*31%50000, i*17%1000)
	}
	broker := NewMockBroker(b, 1)
	b.Cleanup(broker.Close) // after the producers' Close, registered below
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
		b.Cleanup(func() { _ = p.Close() })
		producers <- p
	}
	defer func(rate int) { runtime.MemProfileRate = rate }(runtime.MemProfileRate)
	runtime.MemProfileRate = 1
	built := zstdEncodersBuilt()
	b.SetParallelism(50)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for p := <-producers; pb.Next(); {
			if _, _, err := p.SendMessage(&ProducerMessage{Topic: "t", Value: ByteEncoder(value)}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(zstdEncodersBuilt()-built)/float64(b.N), "encoders/op")
}

// zstdEncodersBuilt counts the zstd.NewWriter calls in the heap profile.
func zstdEncodersBuilt() (built int64) {
	runtime.GC() // the profile is as of the last collection
	n, _ := runtime.MemProfile(nil, true)
	records := make([]runtime.MemProfileRecord, n+100) // room for what GC adds meanwhile
	n, _ = runtime.MemProfile(records, true)
	for i := range n {
		frames := runtime.CallersFrames(records[i].Stack())
		f, more := frames.Next()
		for more && strings.HasPrefix(f.Function, "runtime.") {
			f, more = frames.Next()
		}
		if strings.HasSuffix(f.Function, "/klauspost/compress/zstd.NewWriter") {
			built += records[i].AllocObjects
		}
	}
	return built
}
