//go:build !functional

package sarama

import (
	"testing"
	"time"
)

// A set that reaches the goroutine sending a broker producer's requests
// after the broker producer started closing is not sent: it comes back
// failed (ErrNotConnected) and is retried as a batch, through a new broker
// producer, and acknowledged there once, with nothing lost.
func TestZstdSetRefusedAfterClosingIsRetried(t *testing.T) {
	const topic = "zstd-refused"
	broker := NewMockBroker(t, 1)
	defer broker.Close()
	broker.SetHandlerByMap(map[string]MockResponse{
		"MetadataRequest": NewMockMetadataResponse(t).SetBroker(broker.Addr(), broker.BrokerID()).SetLeader(topic, 0, broker.BrokerID()),
		"ProduceRequest":  NewMockProduceResponse(t),
	})
	conf := NewTestConfig()
	conf.Version, conf.Producer.Compression = V2_1_0_0, CompressionZSTD
	conf.Producer.Return.Successes = true
	producer, err := NewAsyncProducer([]string{broker.Addr()}, conf)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = producer.Close() }()
	p := producer.(*asyncProducer)

	send := func(value string) {
		t.Helper()
		producer.Input() <- &ProducerMessage{Topic: topic, Partition: 0, Value: StringEncoder(value)}
		select {
		case <-producer.Successes():
		case err := <-producer.Errors():
			t.Fatalf("%s: %v", value, err)
		case <-time.After(30 * time.Second): // a hang, not a time to meet
			t.Fatalf("%s: no outcome", value)
		}
	}
	send("first")

	// The broker producer of the first message, marked as if a
	// connection error had started closing it since its sending goroutine
	// took the next set.
	p.brokerLock.Lock()
	var old *brokerProducer
	for _, bp := range p.brokers {
		old = bp
	}
	p.brokerLock.Unlock()
	if old == nil {
		t.Fatal("no broker producer")
	}
	old.zstdClosing.Store(true)

	send("second")
	p.brokerLock.Lock()
	replaced := p.brokers[old.broker] != old
	p.brokerLock.Unlock()
	if !replaced {
		t.Error("the refused set did not close its broker producer: it was sent")
	}
	produces := 0
	for _, rr := range broker.History() {
		if _, ok := rr.Request.(*ProduceRequest); ok {
			produces++
		}
	}
	if produces != 2 {
		t.Errorf("the broker received %d produce requests, want the 2 messages once each", produces)
	}
}
