//go:build !functional

package sarama

import "testing"

// TestZstdCompressBeforeBrokerLock holds the only encoder of the level a
// producer compresses with: its compression waits, and while it does the
// broker's lock is free for the connection's other requests.
func TestZstdCompressBeforeBrokerLock(t *testing.T) {
	withGOMAXPROCS(t, 1)
	broker := NewMockBroker(t, 1)
	defer broker.Close()
	broker.SetHandlerByMap(map[string]MockResponse{
		"MetadataRequest": NewMockMetadataResponse(t).SetBroker(broker.Addr(), broker.BrokerID()).SetLeader("t", 0, broker.BrokerID()),
		"ProduceRequest":  NewMockProduceResponse(t),
	})
	conf := NewTestConfig()
	conf.Version = V2_1_0_0
	conf.Producer.Compression, conf.Producer.CompressionLevel = CompressionZSTD, 9
	producer, err := NewAsyncProducer([]string{broker.Addr()}, conf)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := producer.Close(); err != nil {
			t.Error(err)
		}
	}()
	pool := zstdDefaultPool(9)
	held := lend(t, pool)
	defer pool.release(held, true) // before Close, which waits for the message
	producer.Input() <- &ProducerMessage{Topic: "t", Value: StringEncoder("waits for an encoder")}
	zstdEventually(t, "the producer's compression to wait", func() bool { _, _, w := pool.counts(); return w == 1 })
	leader, err := producer.(*asyncProducer).client.Leader("t", 0)
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
