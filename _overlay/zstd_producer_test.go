//go:build !functional

package sarama

import "testing"

// newZstdTestProducer starts a zstd producer on a mock broker leading "t".
func newZstdTestProducer(t *testing.T, level int) (*syncProducer, *MockBroker) {
	broker := NewMockBroker(t, 1)
	t.Cleanup(broker.Close)
	broker.SetHandlerByMap(map[string]MockResponse{
		"MetadataRequest": NewMockMetadataResponse(t).SetBroker(broker.Addr(), broker.BrokerID()).SetLeader("t", 0, broker.BrokerID()),
		"ProduceRequest":  NewMockProduceResponse(t),
	})
	conf := NewTestConfig()
	conf.Version, conf.Producer.Return.Successes = V2_1_0_0, true
	conf.Producer.Compression, conf.Producer.CompressionLevel = CompressionZSTD, level
	producer, err := NewSyncProducer([]string{broker.Addr()}, conf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = producer.Close() }) // before broker.Close
	return producer.(*syncProducer), broker
}

// While a producer's compression waits for an encoder, the broker is free.
func TestZstdCompressBeforeBrokerLock(t *testing.T) {
	withGOMAXPROCS(t, 1)
	pool := zstdDefaultPool(9)
	held := lend(t, pool)
	defer pool.release(held, true) // before Close, which waits for the message
	sp, _ := newZstdTestProducer(t, 9)
	go func() { _, _, _ = sp.SendMessage(&ProducerMessage{Topic: "t", Value: StringEncoder("waits")}) }()
	zstdEventually(t, "the producer's compression to wait", func() bool { _, _, w := pool.counts(); return w == 1 })
	leader, err := sp.producer.client.Leader("t", 0)
	if err != nil {
		t.Fatal(err)
	}
	zstdEventually(t, "the broker's lock, free while the compression waits", func() bool {
		free := leader.lock.TryLock()
		if free {
			leader.lock.Unlock()
		}
		return free
	})
	if _, _, w := pool.counts(); w != 1 {
		t.Fatal("the compression stopped waiting: the order is not the one tested")
	}
}

// A set that reaches the goroutine sending a broker producer's requests
// after the broker producer started closing is not sent: it fails with
// ErrNotConnected and is retried as a batch through a new broker producer.
func TestZstdSetRefusedAfterClosingIsRetried(t *testing.T) {
	sp, broker := newZstdTestProducer(t, CompressionLevelDefault)
	p := sp.producer
	var marked *brokerProducer
	for _, value := range []string{"first", "second"} {
		if _, _, err := sp.SendMessage(&ProducerMessage{Topic: "t", Value: StringEncoder(value)}); err != nil {
			t.Fatalf("%s: %v", value, err)
		}
		p.brokerLock.Lock()
		for _, bp := range p.brokers {
			if marked == nil {
				marked = bp
				bp.stopSending.Store(true) // as if a connection error came meanwhile
			}
		}
		p.brokerLock.Unlock()
	}
	produces := 0
	for _, rr := range broker.History() {
		if _, ok := rr.Request.(*ProduceRequest); ok {
			produces++
		}
	}
	p.brokerLock.Lock()
	defer p.brokerLock.Unlock()
	if p.brokers[marked.broker] == marked || produces != 2 {
		t.Errorf("%d produce requests, want 2; the refused set's broker producer replaced: %v", produces, p.brokers[marked.broker] != marked)
	}
}
