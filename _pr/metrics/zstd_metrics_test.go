//go:build !functional

package sarama

import (
	"testing"

	"github.com/rcrowley/go-metrics"
)

func TestZstdProducerMetrics(t *testing.T) {
	conf := newTestZstdConfig(1, 0) // one encoder, in a pool of its own
	registry := conf.MetricRegistry
	c, err := newZstdCompressor(conf)
	if err != nil {
		t.Fatal(err)
	}
	defer drainTestZstdPool(c.pool)
	counter := func(name string) int64 {
		t.Helper()
		switch m := registry.Get(name).(type) {
		case metrics.Counter:
			return m.Count()
		case metrics.Histogram:
			return m.Count()
		case metrics.Gauge:
			return m.Value()
		default:
			t.Fatalf("%s is %T in the producer's registry", name, m)
			return 0
		}
	}
	src := []byte("a batch of records")
	for range 3 {
		if _, err := c.pool.encode(c.metrics, nil, src); err != nil {
			t.Fatal(err)
		}
	}
	for name, want := range map[string]int64{
		zstdEncodersCreatedMetric:  1,
		zstdEncodersIdleMetric:     1,
		zstdEncodersInUseMetric:    0,
		zstdEncoderWaitMetric:      0,
		zstdEncoderWaitTotalMetric: 0,
		zstdEncodersDroppedMetric:  0,
	} {
		if got := counter(name); got != want {
			t.Errorf("%s = %d after 3 compressions in turn, want %d", name, got, want)
		}
	}

	// A compression that finds the encoder taken waits, and says so.
	held, err := c.pool.get(nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := counter(zstdEncodersInUseMetric); got != 1 {
		t.Errorf("%s = %d with the encoder taken, want 1", zstdEncodersInUseMetric, got)
	}
	done := make(chan error)
	go func() {
		_, err := c.pool.encode(c.metrics, nil, src)
		done <- err
	}()
	zstdEventually(t, "the compression to wait", func() bool { return c.pool.waiters.Load() == 1 })
	c.pool.put(nil, held)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := counter(zstdEncoderWaitMetric); got != 1 {
		t.Errorf("%s counts %d waits, want 1", zstdEncoderWaitMetric, got)
	}

	c.close()
	if registry.Get(zstdEncodersCreatedMetric) != nil {
		t.Errorf("%s still registered after the producer closed", zstdEncodersCreatedMetric)
	}
}
