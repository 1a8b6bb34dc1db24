//go:build !functional

package sarama

import (
	"errors"
	"strings"
	"testing"
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

// drainTestZstdPool drops the idle encoders of a pool a test is done with
// and frees the pool if no producer uses it.
func drainTestZstdPool(p *zstdEncoderPool) {
	p.takeSpare()
	for range zstdStateIdleOf(p.state.Load()) {
		if enc, ok, err := p.tryGet(nil); ok && err == nil {
			p.release(nil, enc, true, false)
		}
	}
	zstdPools.mu.Lock()
	defer zstdPools.mu.Unlock()
	p.freeIfUnused()
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
	if got := a.pool.bound(); got != 7 {
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

// TestZstdProducerCompressesWithItsPool sends through a producer against a
// mock broker, which decodes, and so decompresses, every batch.
func TestZstdProducerCompressesWithItsPool(t *testing.T) {
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
	pool := producer.(*syncProducer).producer.zstd.pool
	defer drainTestZstdPool(pool)
	built := pool.created.Load()
	for range 5 {
		if _, _, err := producer.SendMessage(&ProducerMessage{Topic: topic, Value: StringEncoder(strings.Repeat("zstd ", 100))}); err != nil {
			t.Fatal(err)
		}
	}
	if err := producer.Close(); err != nil {
		t.Fatal(err)
	}
	// SendMessage waits for each acknowledgement: one encoder serves all.
	if got := pool.created.Load() - built; got > 1 {
		t.Errorf("%d encoders built for sequential batches, want at most 1", got)
	}
	if pool.created.Load() == 0 {
		t.Error("the producer's pool built no encoder: its batches were compressed elsewhere")
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
