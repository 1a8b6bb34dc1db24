//go:build !functional

package sarama

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/rcrowley/go-metrics"
)

// newTestZstdConfig returns a config of zstd producers whose pool no other
// test shares: none of them sets these limits.
func newTestZstdConfig(maxInUse, maxIdle int) *Config {
	conf := NewTestConfig()
	conf.Version = V2_1_0_0
	conf.Producer.Compression = CompressionZSTD
	conf.Producer.Zstd.MaxInUseEncoders = maxInUse
	conf.Producer.Zstd.MaxIdleEncoders = maxIdle
	return conf
}

// newTestZstdPool returns a pool of the fastest level that no other test
// shares, lending at most maxInUse encoders (0 follows GOMAXPROCS).
func newTestZstdPool(maxInUse int) *zstdEncoderPool {
	return newZstdEncoderPool(zstdProducerPoolKey(newTestZstdConfig(maxInUse, 0)))
}

// zstdEventually polls cond until it holds; the deadline only turns a hang
// into a failure.
func zstdEventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("still waiting for %s", what)
		}
	}
}

// state returns the pool's encoders lent and idle, and its waiters.
func (p *zstdEncoderPool) state() (lent, idle, waiting int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lent, len(p.idle), len(p.waiters)
}

// take lends an encoder for a test to hold, waiting if need be.
func (p *zstdEncoderPool) take(t *testing.T, m *zstdMetrics) *zstdLease {
	t.Helper()
	l := &zstdLease{metrics: m}
	if err := p.acquire(l, true); err != nil {
		t.Fatal(err)
	}
	return l
}

func TestZstdPoolBoundsEncodersInUse(t *testing.T) {
	const bound, goroutines, each = 2, 32, 8
	p := newTestZstdPool(bound)
	src := bytes.Repeat([]byte("sarama zstd "), 100)
	var mu sync.Mutex
	busy, seen := make(map[*zstd.Encoder]bool), make(map[*zstd.Encoder]bool)
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range each {
				l := p.take(t, nil)
				mu.Lock()
				if busy[l.enc] {
					t.Errorf("encoder %p lent to two compressions at once", l.enc)
				}
				busy[l.enc], seen[l.enc] = true, true
				mu.Unlock()
				if lent, _, _ := p.state(); lent > bound {
					t.Errorf("%d encoders lent, bound is %d", lent, bound)
				}
				runtime.Gosched() // let the others pile up
				out := l.enc.EncodeAll(src, nil)
				mu.Lock()
				busy[l.enc] = false
				mu.Unlock()
				p.release(l, true)
				if got, err := zstdDecompress(ZstdDecoderParams{}, nil, out, 0); err != nil || !bytes.Equal(got, src) {
					t.Errorf("round trip failed: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	if len(seen) > bound {
		t.Errorf("%d encoders built for %d compressions, want at most %d", len(seen), goroutines*each, bound)
	}
	if lent, idle, _ := p.state(); lent != 0 || idle != len(seen) {
		t.Errorf("after the compressions, %d lent and %d idle: want none lent, all %d idle", lent, idle, len(seen))
	}
}

func TestZstdPoolBuildsLazily(t *testing.T) {
	p := newTestZstdPool(0)
	for range 5 {
		if _, err := p.compress(nil, []byte("payload"), true); err != nil {
			t.Fatal(err)
		}
	}
	if _, idle, _ := p.state(); idle != 1 {
		t.Errorf("%d encoders kept after sequential compressions, want 1", idle)
	}
}

func TestZstdPoolFollowsGOMAXPROCS(t *testing.T) {
	if got, want := newTestZstdPool(0).bound(true), runtime.GOMAXPROCS(0); got != want {
		t.Errorf("bound %d, want GOMAXPROCS %d", got, want)
	}
	if got := newTestZstdPool(3).bound(true); got != 3 {
		t.Errorf("bound %d, want 3", got)
	}
}

// TestZstdPoolServesWaitersInOrder queues waiters one after the other
// behind the only encoder: they get it in the order they came.
func TestZstdPoolServesWaitersInOrder(t *testing.T) {
	p := newTestZstdPool(1)
	held := p.take(t, nil)
	var mu sync.Mutex
	var served []int
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			l := p.take(t, nil)
			mu.Lock()
			served = append(served, i)
			mu.Unlock()
			p.release(l, true)
		})
		zstdEventually(t, "the waiter to queue", func() bool { _, _, w := p.state(); return w == i+1 })
	}
	p.release(held, true)
	wg.Wait()
	if got := fmt.Sprint(served); got != "[0 1 2 3]" {
		t.Errorf("waiters served in the order %s", got)
	}
}

// TestZstdPoolFailedCompressionReturnsPermit drops the only encoder as a
// panic in its compression does: a waiter gets its permit and builds.
func TestZstdPoolFailedCompressionReturnsPermit(t *testing.T) {
	p := newTestZstdPool(1)
	held := p.take(t, nil)
	done := make(chan error, 1)
	go func() {
		_, err := p.compress(nil, []byte("x"), true)
		done <- err
	}()
	zstdEventually(t, "the compression to wait", func() bool { _, _, w := p.state(); return w == 1 })
	p.release(held, false)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, idle, _ := p.state(); idle != 1 {
		t.Errorf("%d idle, want the waiter's new encoder", idle)
	}
}

// TestZstdPoolNoWaitKeepsASpare takes the only encoder, then compresses as
// under a broker's lock: without waiting, on an encoder built outside the
// bound and kept aside for the next such compression.
func TestZstdPoolNoWaitKeepsASpare(t *testing.T) {
	p := newTestZstdPool(1)
	m, _ := registerTestZstdMetrics()
	held := p.take(t, m)
	for range 3 {
		l := &zstdLease{metrics: m}
		if err := p.acquire(l, false); err != nil {
			t.Fatal(err)
		}
		p.release(l, true)
	}
	if got := m.created.Count(); got != 2 {
		t.Errorf("%d encoders built, want 2: the one taken and the spare", got)
	}
	p.release(held, true)
	if _, err := p.compress(nil, []byte("x"), false); err != nil {
		t.Fatal(err)
	}
	if got := m.created.Count(); got != 2 {
		t.Errorf("%d encoders built, want 2: an idle encoder serves first", got)
	}
}

// TestZstdCompressBeforeBrokerLock takes every encoder of the pool that a
// producer of the fastest level uses, then sends: while the producer's
// compression waits, a metadata request on the same broker completes.
// Compressing under the broker's lock, it would wait for the encoder too.
func TestZstdCompressBeforeBrokerLock(t *testing.T) {
	const topic = "zstd-lock"
	broker := NewMockBroker(t, 1)
	defer broker.Close()
	broker.SetHandlerByMap(map[string]MockResponse{
		"MetadataRequest": NewMockMetadataResponse(t).
			SetBroker(broker.Addr(), broker.BrokerID()).
			SetLeader(topic, 0, broker.BrokerID()),
		"ProduceRequest": NewMockProduceResponse(t),
	})
	conf := NewTestConfig()
	conf.Version = V2_1_0_0
	conf.Producer.Compression = CompressionZSTD
	conf.Producer.CompressionLevel = 1
	conf.Producer.Return.Successes = true
	client, err := NewClient([]string{broker.Addr()}, conf)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	producer, err := NewAsyncProducerFromClient(client)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = producer.Close() }()

	pool := zstdDefaultPool(1)
	var held []*zstdLease
	for range pool.bound(true) {
		held = append(held, pool.take(t, nil))
	}
	giveBack := func() {
		for _, l := range held {
			pool.release(l, true)
		}
		held = nil
	}
	defer giveBack()

	producer.Input() <- &ProducerMessage{Topic: topic, Value: StringEncoder("waits for an encoder")}
	zstdEventually(t, "the producer's compression to wait", func() bool { _, _, w := pool.state(); return w == 1 })
	leader, err := client.Leader(topic, 0)
	if err != nil {
		t.Fatal(err)
	}
	metadata := make(chan error, 1)
	go func() {
		_, err := leader.GetMetadata(&MetadataRequest{Version: 1, Topics: []string{topic}})
		metadata <- err
	}()
	select {
	case err := <-metadata:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("a metadata request on the producer's broker waited for the zstd encoder")
	}
	giveBack()
	select {
	case <-producer.Successes():
	case err := <-producer.Errors():
		t.Fatal(err)
	}
}

func TestZstdProducersShareTheirPool(t *testing.T) {
	open := func(conf *Config) *zstdCompressor {
		t.Helper()
		c, err := newZstdCompressor(conf)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	a := open(newTestZstdConfig(7, 2))
	same := newTestZstdConfig(7, 2)
	same.Producer.CompressionLevel = 3 // the default level's encoder
	b := open(same)
	other := open(newTestZstdConfig(7, 3))
	if a.pool != b.pool {
		t.Error("producers configured alike have pools of their own")
	}
	if a.pool == other.pool {
		t.Error("producers of other limits share a pool")
	}
	if got := a.pool.bound(true); got != 7 {
		t.Errorf("bound %d, want Producer.Zstd.MaxInUseEncoders 7", got)
	}
	for _, c := range []*zstdCompressor{a, b, other} {
		c.close()
	}
	zstdPools.mu.Lock()
	defer zstdPools.mu.Unlock()
	for _, p := range []*zstdEncoderPool{a.pool, other.pool} {
		if zstdPools.byKey[p.key] == p {
			t.Errorf("pool %+v kept after its producers closed: a pool without producers or encoders is freed", p.key)
		}
	}
}

// TestZstdProducerRefusesUnvalidatedLimit changes the limits of a client's
// config after NewClient validated it: the producer made from the client
// refuses them.
func TestZstdProducerRefusesUnvalidatedLimit(t *testing.T) {
	broker := NewMockBroker(t, 1)
	defer broker.Close()
	broker.SetHandlerByMap(map[string]MockResponse{
		"MetadataRequest": NewMockMetadataResponse(t).SetBroker(broker.Addr(), broker.BrokerID()),
	})
	client, err := NewClient([]string{broker.Addr()}, newTestZstdConfig(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	client.Config().Producer.Zstd.MaxInUseEncoders = -1
	producer, err := NewAsyncProducerFromClient(client)
	var target ConfigurationError
	if !errors.As(err, &target) || !strings.Contains(err.Error(), "Producer.Zstd.MaxInUseEncoders") {
		if producer != nil {
			_ = producer.Close()
		}
		t.Fatalf("err = %v, want a ConfigurationError naming Producer.Zstd.MaxInUseEncoders", err)
	}
}

// registerTestZstdMetrics returns the zstd metrics of a new registry.
func registerTestZstdMetrics() (*zstdMetrics, metrics.Registry) {
	r := metrics.NewRegistry()
	c := &zstdCompressor{}
	c.registerMetrics(r)
	return c.metrics, r
}

// TestZstdProducerMetrics sends through a producer against a mock broker,
// which decodes, and so decompresses, every batch: its registry counts the
// encoder it built, and the metrics leave the registry when it closes.
func TestZstdProducerMetrics(t *testing.T) {
	const topic = "zstd-pool"
	broker := NewMockBroker(t, 1)
	defer broker.Close()
	broker.SetHandlerByMap(map[string]MockResponse{
		"MetadataRequest": NewMockMetadataResponse(t).
			SetBroker(broker.Addr(), broker.BrokerID()).
			SetLeader(topic, 0, broker.BrokerID()),
		"ProduceRequest": NewMockProduceResponse(t),
	})
	conf := newTestZstdConfig(5, 0)
	conf.Producer.Return.Successes = true
	producer, err := NewSyncProducer([]string{broker.Addr()}, conf)
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		if _, _, err := producer.SendMessage(&ProducerMessage{Topic: topic, Value: StringEncoder(strings.Repeat("zstd ", 100))}); err != nil {
			t.Fatal(err)
		}
	}
	// SendMessage waits for each acknowledgement: one encoder serves all.
	created, ok := conf.MetricRegistry.Get("zstd-encoders-created").(metrics.Counter)
	if !ok || created.Count() != 1 {
		t.Errorf("zstd-encoders-created is %v, want a counter of 1", conf.MetricRegistry.Get("zstd-encoders-created"))
	}
	for _, name := range []string{"zstd-encoder-wait-time-in-ms", "zstd-encoders-dropped-failed", "zstd-encoders-in-use", "zstd-encoders-idle"} {
		if conf.MetricRegistry.Get(name) == nil {
			t.Errorf("%s missing from the producer's registry", name)
		}
	}
	if err := producer.Close(); err != nil {
		t.Fatal(err)
	}
	if conf.MetricRegistry.Get("zstd-encoders-created") != nil {
		t.Error("zstd-encoders-created still registered after the producer closed")
	}
}

func TestZstdWindow(t *testing.T) {
	for maxMessageBytes, want := range map[int]int{
		1:                   64 << 10,
		64 << 10:            64 << 10,
		64<<10 + 1:          128 << 10,
		1000000:             1 << 20,
		1 << 20:             1 << 20,
		100 << 20:           8 << 20,
		int(MaxRequestSize): 8 << 20,
	} {
		if got := zstdWindow(maxMessageBytes); got != want {
			t.Errorf("window for MaxMessageBytes %d: %d, want %d", maxMessageBytes, got, want)
		}
	}
}

// TestZstdWindowSameBytes compresses batches that fit the window of the
// default Producer.MaxMessageBytes with the pool's encoder and with one of
// klauspost/compress's default window: the bytes are the same.
func TestZstdWindowSameBytes(t *testing.T) {
	for _, level := range []int{CompressionLevelDefault, 1, 9} {
		speed := zstdSpeed(level)
		plain, err := zstd.NewWriter(nil, zstd.WithZeroFrames(true), zstd.WithEncoderLevel(speed), zstd.WithEncoderConcurrency(1))
		if err != nil {
			t.Fatal(err)
		}
		pool := newZstdEncoderPool(zstdDefaultPoolKey(level))
		for _, size := range []int{0, 2 << 10, 256 << 10} {
			src := bytes.Repeat([]byte(fmt.Sprintf("record %d of a batch; ", level)), size/20+1)[:size]
			got, err := pool.compress(nil, src, true)
			if err != nil {
				t.Fatal(err)
			}
			if want := plain.EncodeAll(src, nil); !bytes.Equal(got, want) {
				t.Errorf("level %d: %d bytes compressed to %d bytes, %d with the default window", level, size, len(got), len(want))
			}
		}
	}
}

// TestZstdIdleEncodersDropped leaves encoders idle after a burst, in fake
// time: they are dropped a quarter of the idle time after it at most,
// without further use of the pool, and the timer stops.
func TestZstdIdleEncodersDropped(t *testing.T) {
	if got := NewConfig().Producer.Zstd.MaxIdleTime; got != time.Minute {
		t.Errorf("default MaxIdleTime %v, want 1m", got)
	}
	synctest.Test(t, func(t *testing.T) {
		p := newTestZstdPool(3)
		var held []*zstdLease
		for range 3 {
			held = append(held, p.take(t, nil))
		}
		for _, l := range held {
			p.release(l, true)
		}
		time.Sleep(p.key.idleTime - time.Nanosecond)
		synctest.Wait()
		if _, idle, _ := p.state(); idle != 3 {
			t.Fatalf("%d idle before the idle time, want 3", idle)
		}
		time.Sleep(p.key.idleTime / 4)
		synctest.Wait()
		if _, idle, _ := p.state(); idle != 0 {
			t.Fatalf("%d idle a quarter after the idle time, want 0", idle)
		}
		if p.idleTimer.Stop() {
			t.Error("the idle timer is armed in a pool without idle encoders")
		}
	})
}

func TestZstdBufferSizes(t *testing.T) {
	for _, n := range []int{0, 1, 1023, 1024, 1025, 1 << 20, 16 << 20, 16<<20 + 1} {
		buf := getZstdBuffer(n)
		if c := cap(buf.b); len(buf.b) != 0 || c < n || (n <= 16<<20 && (c&(c-1) != 0 || c < 1<<zstdBufferMinClass)) {
			t.Errorf("getZstdBuffer(%d): len %d cap %d", n, len(buf.b), c)
		}
		putZstdBuffer(buf)
	}
}

// TestZstdBatchBuffersLifetime follows a producer's batch: compressed into
// a pooled buffer before its request is sent, the buffer given back after
// the request is encoded, and the batch compressed again if the request is
// ever encoded again.
func TestZstdBatchBuffersLifetime(t *testing.T) {
	c, err := newZstdCompressor(newTestZstdConfig(1, 0))
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	value := func(i int) []byte { return []byte(fmt.Sprintf("value %d of a batch of records", i)) }
	b := &RecordBatch{Version: 2, Codec: CompressionZSTD, CompressionLevel: CompressionLevelDefault, zstd: c}
	for i := range 20 {
		b.addRecord(&Record{OffsetDelta: int64(i), Value: value(i)})
	}
	req := &ProduceRequest{Version: 7}
	req.AddBatch("t", 0, b)

	compressZstdBatches(req)
	if b.compressedRecords == nil || b.zstdBuffer == nil {
		t.Fatal("the batch was not compressed into a pooled buffer")
	}
	first, err := encode(req, nil)
	if err != nil {
		t.Fatal(err)
	}
	releaseZstdBuffers(req)
	if b.compressedRecords != nil || b.zstdBuffer != nil {
		t.Fatal("the batch holds its buffer after the release")
	}
	again, err := encode(req, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, again) {
		t.Error("the request encoded again differs")
	}
}
