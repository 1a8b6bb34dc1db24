//go:build !functional

package sarama

import (
	"bytes"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
)

// newTestZstdPool returns a pool of the fastest level that no other test
// shares, lending at most maxInUse encoders (0 follows GOMAXPROCS).
func newTestZstdPool(maxInUse int) *zstdEncoderPool {
	key := zstdDefaultPoolKey(1)
	key.maxInUse = maxInUse
	return newZstdEncoderPool(key)
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

func TestZstdPoolBoundsEncodersInUse(t *testing.T) {
	const bound, goroutines, each = 2, 32, 8
	p := newTestZstdPool(bound)
	src := bytes.Repeat([]byte("sarama zstd "), 100)
	var inUse, peak atomic.Int64
	var users sync.Map // *zstd.Encoder -> *atomic.Bool
	check := func(enc *zstd.Encoder, src, dst []byte) []byte {
		n := inUse.Add(1)
		defer inUse.Add(-1)
		for old := peak.Load(); n > old && !peak.CompareAndSwap(old, n); old = peak.Load() {
		}
		busy, _ := users.LoadOrStore(enc, new(atomic.Bool))
		if !busy.(*atomic.Bool).CompareAndSwap(false, true) {
			t.Errorf("encoder %p lent to two compressions at once", enc)
		}
		defer busy.(*atomic.Bool).Store(false)
		runtime.Gosched() // let the others pile up
		return enc.EncodeAll(src, dst)
	}
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range each {
				out, err := p.compress(nil, true, nil, src, check)
				if err != nil {
					t.Error(err)
					return
				}
				if got, err := zstdDecompress(ZstdDecoderParams{}, nil, out, 0); err != nil || !bytes.Equal(got, src) {
					t.Errorf("round trip failed: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	if got := peak.Load(); got > bound {
		t.Errorf("%d encoders in use at once, bound is %d", got, bound)
	}
	if got := p.created.Load(); got < 1 || got > bound {
		t.Errorf("%d encoders built for %d compressions, want 1 to %d", got, goroutines*each, bound)
	}
	if s := p.state.Load(); s != p.created.Load()*zstdStateIdle {
		t.Errorf("after the compressions, state %#x: want all %d encoders built idle, none lent", s, p.created.Load())
	}
}

func TestZstdPoolBuildsLazily(t *testing.T) {
	p := newTestZstdPool(0)
	if p.created.Load() != 0 {
		t.Fatal("a new pool built an encoder")
	}
	for range 5 {
		if _, err := p.encode(nil, nil, []byte("payload")); err != nil {
			t.Fatal(err)
		}
	}
	if got := p.created.Load(); got != 1 {
		t.Errorf("%d encoders built for sequential compressions, want 1", got)
	}
	if got := zstdStateIdleOf(p.state.Load()); got != 1 {
		t.Errorf("%d idle encoders, want 1", got)
	}
}

func TestZstdPoolFollowsGOMAXPROCS(t *testing.T) {
	want := zstdRefreshGOMAXPROCS(true)
	if got := newTestZstdPool(0).bound(); got != int64(want) {
		t.Errorf("bound %d, want GOMAXPROCS %d", got, want)
	}
	if got := newTestZstdPool(3).bound(); got != 3 {
		t.Errorf("bound %d, want 3", got)
	}
}

func TestZstdPoolPanicReturnsPermit(t *testing.T) {
	p := newTestZstdPool(1)
	func() {
		defer func() { _ = recover() }()
		_, _ = p.compress(nil, true, nil, []byte("x"), func(*zstd.Encoder, []byte, []byte) []byte { panic("in encoding") })
	}()
	done := make(chan error, 1)
	go func() {
		_, err := p.encode(nil, nil, []byte("x"))
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("a compression waited for the permit of an encoder that panicked")
	}
	if got := p.created.Load(); got != 2 {
		t.Errorf("%d encoders built, want 2: the one that panicked must not be reused", got)
	}
}

// TestZstdPoolNoWaitKeepsASpare takes the only encoder, then compresses as
// under a broker's lock: without waiting, on an encoder built outside the
// bound and kept aside for the next such compression.
func TestZstdPoolNoWaitKeepsASpare(t *testing.T) {
	p := newTestZstdPool(1)
	held, err := p.get(nil)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := p.encodeNoWait(nil, nil, []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	if got := p.created.Load(); got != 2 {
		t.Errorf("%d encoders built, want 2: the one taken and the spare", got)
	}
	p.put(nil, held)
	if _, err := p.encodeNoWait(nil, nil, []byte("x")); err != nil {
		t.Fatal(err)
	}
	if got := p.created.Load(); got != 2 {
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
	var held []*zstd.Encoder
	for range pool.bound() {
		enc, err := pool.get(nil)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, enc)
	}
	giveBack := func() {
		for _, enc := range held {
			pool.put(nil, enc)
		}
		held = nil
	}
	defer giveBack()

	producer.Input() <- &ProducerMessage{Topic: topic, Value: StringEncoder("waits for an encoder")}
	zstdEventually(t, "the producer's compression to wait", func() bool { return pool.waiters.Load() == 1 })
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
