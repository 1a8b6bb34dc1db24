//go:build !functional

package sarama

import (
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/rcrowley/go-metrics"
)

func TestZstdPoolConfigDefaults(t *testing.T) {
	c := NewConfig()
	n := runtime.GOMAXPROCS(0)
	if c.Producer.Zstd.MaxInUseEncoders != n || c.Producer.Zstd.MaxIdleEncoders != n {
		t.Errorf("defaults = %+v, want GOMAXPROCS (%d) for both", c.Producer.Zstd, n)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("defaults do not validate: %v", err)
	}
}

func TestZstdPoolConfigValidation(t *testing.T) {
	for _, tc := range []struct {
		name     string
		set      func(*ZstdEncoderPoolConfig)
		wantName string // field the error must name; "" means valid
	}{
		{"in use zero", func(c *ZstdEncoderPoolConfig) { c.MaxInUseEncoders = 0 }, "Producer.Zstd.MaxInUseEncoders"},
		{"in use negative", func(c *ZstdEncoderPoolConfig) { c.MaxInUseEncoders = -1 }, "Producer.Zstd.MaxInUseEncoders"},
		{"in use too large", func(c *ZstdEncoderPoolConfig) { c.MaxInUseEncoders = zstdMaxEncodersLimit + 1 }, "Producer.Zstd.MaxInUseEncoders"},
		{"idle negative", func(c *ZstdEncoderPoolConfig) { c.MaxIdleEncoders = -1 }, "Producer.Zstd.MaxIdleEncoders"},
		{"idle zero", func(c *ZstdEncoderPoolConfig) { c.MaxIdleEncoders = 0 }, ""},
		{"idle above in use", func(c *ZstdEncoderPoolConfig) { c.MaxIdleEncoders, c.MaxInUseEncoders = 1000, 2 }, ""},
		{"in use at limit", func(c *ZstdEncoderPoolConfig) { c.MaxInUseEncoders = zstdMaxEncodersLimit }, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := NewConfig()
			c.Version = V2_1_0_0
			c.Producer.Compression = CompressionZSTD
			tc.set(&c.Producer.Zstd)
			err := c.Validate()
			if tc.wantName == "" {
				if err != nil {
					t.Fatalf("valid config rejected: %v", err)
				}
				return
			}
			var cerr ConfigurationError
			if !errors.As(err, &cerr) {
				t.Fatalf("got %v (%T), want a ConfigurationError", err, err)
			}
			if !strings.Contains(string(cerr), tc.wantName) {
				t.Errorf("error %q does not name %s", cerr, tc.wantName)
			}
		})
	}
}

// zstdTestConfig returns a producer config whose pool no other test shares,
// so that counts start from zero.
func zstdTestConfig(level, maxIdle, maxInUse int) *Config {
	c := NewConfig()
	c.Version = V2_1_0_0
	c.Producer.Compression = CompressionZSTD
	c.Producer.CompressionLevel = level
	c.Producer.Zstd = ZstdEncoderPoolConfig{MaxIdleEncoders: maxIdle, MaxInUseEncoders: maxInUse}
	return c
}

func TestZstdCompressorMetrics(t *testing.T) {
	registry := metrics.NewRegistry()
	c := newZstdCompressor(zstdTestConfig(13, 1, 1), registry)
	src := zstdTestPayload(4 << 10)
	for range 3 {
		if _, err := c.compress(13, src); err != nil {
			t.Fatal(err)
		}
	}
	if got := registry.Get(zstdEncodersCreatedMetric).(metrics.Counter).Count(); got != 1 {
		t.Errorf("%s = %d after 3 compressions with one encoder, want 1", zstdEncodersCreatedMetric, got)
	}
	if got := registry.Get(zstdEncodersIdleMetric).(metrics.Gauge).Value(); got != 1 {
		t.Errorf("%s = %d, want 1", zstdEncodersIdleMetric, got)
	}
	if got := registry.Get(zstdEncodersInUseMetric).(metrics.Gauge).Value(); got != 0 {
		t.Errorf("%s = %d, want 0", zstdEncodersInUseMetric, got)
	}
	if got := registry.Get(zstdEncoderWaitMetric).(metrics.Histogram).Count(); got != 0 {
		t.Errorf("%s count = %d without contention, want 0", zstdEncoderWaitMetric, got)
	}

	// A batch at another level gets a pool of its own, with the same limits,
	// and still counts in this producer's registry.
	if _, err := c.compress(14, src); err != nil {
		t.Fatal(err)
	}
	if got := registry.Get(zstdEncodersCreatedMetric).(metrics.Counter).Count(); got != 2 {
		t.Errorf("%s = %d after a second level, want 2", zstdEncodersCreatedMetric, got)
	}
}

func TestZstdCompressorOnlyForZstd(t *testing.T) {
	c := NewConfig()
	c.Producer.Compression = CompressionLZ4
	registry := metrics.NewRegistry()
	if newZstdCompressor(c, registry) != nil {
		t.Error("a producer without zstd got a zstd compressor")
	}
	if registry.Get(zstdEncodersCreatedMetric) != nil {
		t.Error("a producer without zstd registered zstd metrics")
	}
}

// TestZstdProducerMetricsWithMockBroker runs a real producer against a mock
// broker, which decodes (and so decompresses) every batch, and checks that
// the producer's registry shows the pool's work.
func TestZstdProducerMetricsWithMockBroker(t *testing.T) {
	const topic = "zstd-pool"
	broker := NewMockBroker(t, 1)
	defer broker.Close()
	broker.SetHandlerByMap(map[string]MockResponse{
		"MetadataRequest": NewMockMetadataResponse(t).
			SetBroker(broker.Addr(), broker.BrokerID()).
			SetLeader(topic, 0, broker.BrokerID()),
		"ProduceRequest": NewMockProduceResponse(t),
	})

	conf := zstdTestConfig(15, 2, 2)
	conf.ApiVersionsRequest = false // the mock answers only what it is given
	conf.Producer.Return.Successes = true
	producer, err := NewSyncProducer([]string{broker.Addr()}, conf)
	if err != nil {
		t.Fatal(err)
	}
	value := zstdTestPayload(8 << 10)
	for range 20 {
		if _, _, err := producer.SendMessage(&ProducerMessage{Topic: topic, Value: ByteEncoder(value)}); err != nil {
			t.Fatal(err)
		}
	}

	registry := conf.MetricRegistry
	created, ok := registry.Get(zstdEncodersCreatedMetric).(metrics.Counter)
	if !ok {
		t.Fatalf("%s missing from the producer's registry", zstdEncodersCreatedMetric)
	}
	// SendMessage waits for each acknowledgement, so batches compress one at
	// a time: one encoder serves them all.
	if got := created.Count(); got != 1 {
		t.Errorf("%s = %d for sequential batches, want 1", zstdEncodersCreatedMetric, got)
	}
	for _, name := range []string{zstdEncoderWaitMetric, zstdEncodersInUseMetric, zstdEncodersIdleMetric} {
		if registry.Get(name) == nil {
			t.Errorf("%s missing from the producer's registry", name)
		}
	}
	if got := registry.Get(zstdEncodersIdleMetric).(metrics.Gauge).Value(); got != 1 {
		t.Errorf("%s = %d, want 1", zstdEncodersIdleMetric, got)
	}
	if err := producer.Close(); err != nil {
		t.Fatal(err)
	}
	if registry.Get(zstdEncodersCreatedMetric) != nil {
		t.Errorf("%s still registered after the producer closed", zstdEncodersCreatedMetric)
	}
}
