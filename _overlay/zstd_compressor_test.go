//go:build !functional

package sarama

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rcrowley/go-metrics"
)

func TestZstdPoolConfigDefaults(t *testing.T) {
	c := NewConfig()
	want := ZstdEncoderPoolConfig{MaxIdleTime: time.Minute}
	if c.Producer.Zstd != want {
		t.Errorf("defaults = %+v, want %+v: a bound that follows GOMAXPROCS", c.Producer.Zstd, want)
	}
	c.Producer.Compression = CompressionZSTD
	c.Version = V2_1_0_0
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
		{"in use zero follows GOMAXPROCS", func(c *ZstdEncoderPoolConfig) { c.MaxInUseEncoders = 0 }, ""},
		{"in use negative", func(c *ZstdEncoderPoolConfig) { c.MaxInUseEncoders = -1 }, "Producer.Zstd.MaxInUseEncoders"},
		{"in use too large", func(c *ZstdEncoderPoolConfig) { c.MaxInUseEncoders = zstdMaxEncodersLimit + 1 }, "Producer.Zstd.MaxInUseEncoders"},
		{"in use at limit", func(c *ZstdEncoderPoolConfig) { c.MaxInUseEncoders = zstdMaxEncodersLimit }, ""},
		{"idle negative", func(c *ZstdEncoderPoolConfig) { c.MaxIdleEncoders = -1 }, "Producer.Zstd.MaxIdleEncoders"},
		{"idle too large", func(c *ZstdEncoderPoolConfig) { c.MaxIdleEncoders = zstdMaxEncodersLimit + 1 }, "Producer.Zstd.MaxIdleEncoders"},
		{"idle zero", func(c *ZstdEncoderPoolConfig) { c.MaxIdleEncoders = 0 }, ""},
		{"idle above in use", func(c *ZstdEncoderPoolConfig) { c.MaxIdleEncoders, c.MaxInUseEncoders = 1000, 2 }, ""},
		{"idle time negative", func(c *ZstdEncoderPoolConfig) { c.MaxIdleTime = -time.Second }, "Producer.Zstd.MaxIdleTime"},
		{"idle time too short", func(c *ZstdEncoderPoolConfig) { c.MaxIdleTime = time.Millisecond }, "Producer.Zstd.MaxIdleTime"},
		{"idle time at its minimum", func(c *ZstdEncoderPoolConfig) { c.MaxIdleTime = 10 * time.Millisecond }, ""},
		{"idle time zero is the default", func(c *ZstdEncoderPoolConfig) { c.MaxIdleTime = 0 }, ""},
		{"zero value", func(c *ZstdEncoderPoolConfig) { *c = ZstdEncoderPoolConfig{} }, ""},
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

// TestZstdCompressorMetrics checks the names and types a producer
// registers, and what they count without contention.
func TestZstdCompressorMetrics(t *testing.T) {
	conf := zstdTestConfig(13, 1, 1)
	registry := conf.MetricRegistry
	c := newTestZstdCompressor(t, conf)
	src := zstdTestPayload(4 << 10)
	for range 3 {
		if _, err := c.compress(src); err != nil {
			t.Fatal(err)
		}
	}
	if got := zstdCounter(t, registry, "zstd-encoders-created"); got != 1 {
		t.Errorf("zstd-encoders-created = %d after 3 compressions with one encoder, want 1", got)
	}
	if _, ok := registry.Get("zstd-encoder-wait-time-in-ms").(metrics.Histogram); !ok {
		t.Errorf("zstd-encoder-wait-time-in-ms is %T", registry.Get("zstd-encoder-wait-time-in-ms"))
	}
	for _, name := range []string{"zstd-encoders-dropped-idle-limit", "zstd-encoders-dropped-gomaxprocs", "zstd-encoders-dropped-failed"} {
		if got := zstdCounter(t, registry, name); got != 0 {
			t.Errorf("%s = %d without contention, want 0", name, got)
		}
	}
	zstdCounter(t, registry, "zstd-encoders-dropped-idle-time")
	if got := zstdGauge(t, registry, "zstd-encoders-idle"); got < 1 {
		t.Errorf("zstd-encoders-idle = %d with this producer's encoder idle", got)
	}
	zstdGauge(t, registry, "zstd-encoders-in-use")
}

// TestZstdPoolConfigOnlyForZstd checks that Producer.Zstd is checked only
// when the producer compresses with zstd, the only time it is used.
func TestZstdPoolConfigOnlyForZstd(t *testing.T) {
	c := NewConfig()
	c.Producer.Compression = CompressionLZ4
	c.Producer.Zstd.MaxInUseEncoders = -1
	if err := c.Validate(); err != nil {
		t.Errorf("an LZ4 producer's config rejected for its zstd limits: %v", err)
	}
}

func TestZstdCompressorOnlyForZstd(t *testing.T) {
	c := NewConfig()
	c.Producer.Compression = CompressionLZ4
	if h, err := newZstdCompressor(c); h != nil || err != nil {
		t.Errorf("a producer without zstd got a zstd compressor (%v)", err)
	}
	if c.MetricRegistry.Get("zstd-encoders-created") != nil {
		t.Error("a producer without zstd registered zstd metrics")
	}
}

// TestZstdGaugesCountTheProcess lends encoders of two pools to producers
// of two registries: both registries' gauges count the encoders of both.
// The gauges count every pool of the process, which other tests' pools
// may change meanwhile, so the test's own are a floor.
func TestZstdGaugesCountTheProcess(t *testing.T) {
	confA, confB := zstdTestConfig(1, 0, 2), zstdTestConfig(1, 0, 3)
	a, b := newTestZstdCompressor(t, confA), newTestZstdCompressor(t, confB)
	var held []func()
	for _, c := range []*zstdCompressor{a, a, b, b, b} {
		l := c.pool.get(t, c.metrics)
		held = append(held, func() { c.pool.release(l, true) })
	}
	for _, r := range []metrics.Registry{confA.MetricRegistry, confB.MetricRegistry} {
		if got := zstdGauge(t, r, "zstd-encoders-in-use"); got < 5 {
			t.Errorf("zstd-encoders-in-use = %d with 5 encoders of this test lent", got)
		}
	}
	for _, put := range held {
		put()
	}
	for _, r := range []metrics.Registry{confA.MetricRegistry, confB.MetricRegistry} {
		if got := zstdGauge(t, r, "zstd-encoders-idle"); got < 5 {
			t.Errorf("zstd-encoders-idle = %d with 5 encoders of this test idle", got)
		}
	}
}

// TestZstdPoolsFreed creates producer handles with 200 distinct limits and
// closes them: the pools leave the map and the heap returns to where it
// was. Then ten of them compress a 256 KiB batch each before closing: once
// their idle time has passed, their pools and encoders are gone too.
func TestZstdPoolsFreed(t *testing.T) {
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	pools, before := zstdPoolCount(), heap()
	var handles []*zstdCompressor
	for i := range 200 {
		conf := zstdTestConfig(CompressionLevelDefault, 0, 1000+i)
		c, err := newZstdCompressor(conf)
		if err != nil {
			t.Fatal(err)
		}
		handles = append(handles, c)
	}
	if got := zstdPoolCount(); got != pools+200 {
		t.Fatalf("%d pools with 200 distinct limits, want %d", got, pools+200)
	}
	for _, c := range handles {
		c.close()
	}
	handles = nil
	if got := zstdPoolCount(); got != pools {
		t.Errorf("%d pools after every producer closed, want %d", got, pools)
	}
	if grown := int64(heap()) - int64(before); grown > 256<<10 {
		t.Errorf("heap grew by %d bytes over 200 closed producers, want under 256 KiB", grown)
	}

	batch := zstdTestPayload(256 << 10)
	for i := range 10 {
		conf := zstdTestConfig(CompressionLevelDefault, 0, 1+i)
		conf.Producer.Zstd.MaxIdleTime = 20 * time.Millisecond
		c, err := newZstdCompressor(conf)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.compress(batch); err != nil {
			t.Fatal(err)
		}
		c.close()
	}
	zstdEventually(t, "the pools of closed producers to be freed", func() bool { return zstdPoolCount() == pools })
	if grown := int64(heap()) - int64(before); grown > 1<<20 {
		t.Errorf("heap grew by %d bytes after 10 producers compressed and closed, want under 1 MiB", grown)
	}
}

// TestZstdProducerRefusesUnvalidatedLimit builds a producer from a client
// whose Config was changed after NewClient, so that Validate never saw it:
// the producer is refused with a ConfigurationError, instead of compressing
// through an unusable pool.
func TestZstdProducerRefusesUnvalidatedLimit(t *testing.T) {
	broker := NewMockBroker(t, 1)
	defer broker.Close()
	broker.SetHandlerByMap(map[string]MockResponse{
		"MetadataRequest": NewMockMetadataResponse(t).SetBroker(broker.Addr(), broker.BrokerID()),
	})
	conf := zstdTestConfig(3, 0, 0)
	conf.ApiVersionsRequest = false
	conf.Producer.Return.Successes = true
	client, err := NewClient([]string{broker.Addr()}, conf)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	client.Config().Producer.Zstd.MaxInUseEncoders = -1
	producer, err := NewSyncProducerFromClient(client)
	var cerr ConfigurationError
	if !errors.As(err, &cerr) || !strings.Contains(err.Error(), "Producer.Zstd.MaxInUseEncoders") {
		if producer != nil {
			_ = producer.Close()
		}
		t.Fatalf("err = %v, want a ConfigurationError naming Producer.Zstd.MaxInUseEncoders", err)
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
	pool := producer.(*syncProducer).producer.zstd.pool
	defer drainZstdPool(pool)
	value := zstdTestPayload(8 << 10)
	for range 20 {
		if _, _, err := producer.SendMessage(&ProducerMessage{Topic: topic, Value: ByteEncoder(value)}); err != nil {
			t.Fatal(err)
		}
	}

	registry := conf.MetricRegistry
	// SendMessage waits for each acknowledgement, so batches compress one at
	// a time: one encoder serves them all.
	if got := zstdCounter(t, registry, "zstd-encoders-created"); got != 1 {
		t.Errorf("zstd-encoders-created = %d for sequential batches, want 1", got)
	}
	for _, name := range []string{"zstd-encoder-wait-time-in-ms", "zstd-encoders-dropped-idle-limit", "zstd-encoders-dropped-gomaxprocs",
		"zstd-encoders-dropped-failed", "zstd-encoders-dropped-idle-time", "zstd-encoders-in-use", "zstd-encoders-idle"} {
		if registry.Get(name) == nil {
			t.Errorf("%s missing from the producer's registry", name)
		}
	}
	if ratio := registry.Get("compression-ratio").(metrics.Histogram).Mean(); ratio <= 100 {
		t.Errorf("compression-ratio mean = %.0f, want > 100 (compressed): the batches were not compressed before sending?", ratio)
	}
	if err := producer.Close(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"zstd-encoders-created", "zstd-encoders-idle", "zstd-encoders-dropped-idle-time"} {
		if registry.Get(name) != nil {
			t.Errorf("%s still registered after the producer closed, as its other metrics are not", name)
		}
	}
}

// TestZstdLevelsShareEncoderPool checks that producers of levels that build
// the same klauspost encoder share one pool, and so one bound.
func TestZstdLevelsShareEncoderPool(t *testing.T) {
	var pools []*zstdEncoderPool
	base := zstdTestConfig(3, 0, 1)
	for _, level := range []int{CompressionLevelDefault, 3, 4, 5} {
		conf := NewConfig()
		conf.Producer.Compression = CompressionZSTD
		conf.Producer.CompressionLevel = level
		conf.Producer.Zstd = base.Producer.Zstd
		pools = append(pools, newTestZstdCompressor(t, conf).pool)
	}
	for i, p := range pools[1:] {
		if p != pools[0] {
			t.Errorf("level %s has a pool of its own", fmt.Sprint([]int{3, 4, 5}[i]))
		}
	}
}

// TestZstdRetriedBatchToAnotherBroker sends an idempotent producer's batch to
// a broker that answers NOT_LEADER; the producer resends the same batch to
// the new leader, from another goroutine. The batch's compressed bytes were
// given back when the first request was encoded, before the response that
// caused the retry: run with -race and -tags zstdpoison, a release racing
// with the resend, or a resend reading released bytes, fails the test.
func TestZstdRetriedBatchToAnotherBroker(t *testing.T) {
	const topic = "zstd-retry"
	first := NewMockBroker(t, 1)
	second := NewMockBroker(t, 2)
	defer first.Close()
	defer second.Close()

	var moved atomic.Bool
	var resent atomic.Int64
	metadata := func(version int16) *MetadataResponse {
		m := &MetadataResponse{Version: version, ControllerID: first.BrokerID()}
		m.AddBroker(first.Addr(), first.BrokerID())
		m.AddBroker(second.Addr(), second.BrokerID())
		leader := first.BrokerID()
		if moved.Load() {
			leader = second.BrokerID()
		}
		m.AddTopicPartition(topic, 0, leader, nil, nil, nil, ErrNoError)
		return m
	}
	handler := func(produce func(*ProduceRequest) *ProduceResponse) requestHandlerFunc {
		return func(req *request) encoderWithHeader {
			switch body := req.body.(type) {
			case *MetadataRequest:
				return metadata(body.Version)
			case *InitProducerIDRequest:
				return &InitProducerIDResponse{Version: body.Version, ProducerID: 1000, ProducerEpoch: 1}
			case *ProduceRequest:
				return produce(body)
			}
			return nil
		}
	}
	first.setHandler(handler(func(req *ProduceRequest) *ProduceResponse {
		moved.Store(true)
		res := &ProduceResponse{Version: req.Version}
		res.AddTopicPartition(topic, 0, ErrNotLeaderForPartition)
		return res
	}))
	second.setHandler(handler(func(req *ProduceRequest) *ProduceResponse {
		resent.Add(1)
		// The mock decoded the request, checking its CRC: verify the
		// records too, which a released buffer would have corrupted.
		batch := req.records[topic][0].RecordBatch
		if len(batch.Records) != 1 || string(batch.Records[0].Value) != "resent intact" {
			t.Errorf("the resent batch arrived as %d records", len(batch.Records))
		}
		res := &ProduceResponse{Version: req.Version}
		res.AddTopicPartition(topic, 0, ErrNoError)
		return res
	}))

	conf := zstdTestConfig(CompressionLevelDefault, 0, 1)
	conf.ApiVersionsRequest = false
	conf.Producer.Idempotent = true
	conf.Net.MaxOpenRequests = 1
	conf.Producer.RequiredAcks = WaitForAll
	conf.Producer.Return.Successes = true
	conf.Producer.Retry.Backoff = 0
	producer, err := NewAsyncProducer([]string{first.Addr()}, conf)
	if err != nil {
		t.Fatal(err)
	}
	defer drainZstdPool(producer.(*asyncProducer).zstd.pool)
	producer.Input() <- &ProducerMessage{Topic: topic, Value: StringEncoder("resent intact")}
	select {
	case <-producer.Successes():
	case err := <-producer.Errors():
		t.Fatal(err)
	}
	if err := producer.Close(); err != nil {
		t.Fatal(err)
	}
	if resent.Load() != 1 {
		t.Errorf("%d requests reached the new leader, want 1", resent.Load())
	}
}
