//go:build !functional

package sarama

import (
	"testing"

	"github.com/rcrowley/go-metrics"
)

// TestZstdMetricsOfAProducer: a producer registers its zstd metrics with
// its others, in its Config.MetricRegistry, and they leave it when the
// producer closes.
func TestZstdMetricsOfAProducer(t *testing.T) {
	broker := NewMockBroker(t, 1)
	defer broker.Close()
	broker.SetHandlerByMap(map[string]MockResponse{
		"MetadataRequest": NewMockMetadataResponse(t).SetBroker(broker.Addr(), broker.BrokerID()).SetLeader("t", 0, broker.BrokerID()),
		"ProduceRequest":  NewMockProduceResponse(t),
	})
	conf := zstdLimitsConfig(3, 2, 2)
	conf.Producer.Return.Successes = true
	producer, err := NewSyncProducer([]string{broker.Addr()}, conf)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, _, err := producer.SendMessage(&ProducerMessage{Topic: "t", Value: StringEncoder("m")}); err != nil {
			t.Fatal(err)
		}
	}
	names := map[string]string{
		"zstd-encoders-created": "counter", "zstd-encoder-wait-time-in-ms": "histogram",
		"zstd-encoders-dropped-idle-limit": "counter", "zstd-encoders-dropped-gomaxprocs": "counter",
		"zstd-encoders-dropped-failed": "counter", "zstd-encoders-in-use": "gauge", "zstd-encoders-idle": "gauge",
	}
	for name, kind := range names {
		switch m := conf.MetricRegistry.Get(name); m.(type) {
		case metrics.Counter, metrics.Histogram, metrics.Gauge:
		default:
			t.Errorf("%s is %T, want a %s", name, m, kind)
		}
	}
	if err := producer.Close(); err != nil {
		t.Fatal(err)
	}
	for name := range names {
		if conf.MetricRegistry.Get(name) != nil {
			t.Errorf("%s still registered after the producer closed", name)
		}
	}
}

// TestZstdMetricsCount: an encoder built, a wait, and a drop by reason, in
// the registry of the producer whose compressions caused them.
func TestZstdMetricsCount(t *testing.T) {
	conf := zstdLimitsConfig(1, 1, 1)
	c := newZstdTestCompressor(t, conf)
	registry := newCleanupRegistry(conf.MetricRegistry)
	c.registerMetrics(registry)
	t.Cleanup(registry.(*cleanupRegistry).UnregisterAll)
	counter := func(name string) int64 { return conf.MetricRegistry.Get(name).(metrics.Counter).Count() }
	built := counter("zstd-encoders-created")
	held := &zstdLease{metrics: c.metrics}
	if err := c.pool.acquire(held); err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() {
		l := &zstdLease{metrics: c.metrics}
		err := c.pool.acquire(l)
		c.pool.release(l, false) // as after a panic
		done <- err
	}()
	zstdEventually(t, "a compression to wait", func() bool { _, _, w := c.pool.counts(); return w == 1 })
	c.pool.release(held, true)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := counter("zstd-encoders-created") - built; got > 1 {
		t.Errorf("%d encoders built, want at most 1", got)
	}
	if got := conf.MetricRegistry.Get("zstd-encoder-wait-time-in-ms").(metrics.Histogram).Count(); got != 1 {
		t.Errorf("%d waits recorded, want 1", got)
	}
	if got := counter("zstd-encoders-dropped-failed"); got != 1 {
		t.Errorf("zstd-encoders-dropped-failed = %d, want 1", got)
	}
}
