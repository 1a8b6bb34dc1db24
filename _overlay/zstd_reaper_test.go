//go:build !functional

package sarama

import (
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
)

// zstdReaperTestKey is a pool key whose idle time is short enough for a
// test to see several: the reaper ticks every 5 ms.
func zstdReaperTestKey(maxInUse int) zstdPoolKey {
	return newZstdPoolKey(1, defaultProducerMaxMessageBytes,
		ZstdEncoderPoolConfig{MaxInUseEncoders: maxInUse, MaxIdleTime: 20 * time.Millisecond})
}

// burst lends n encoders at once and returns them, leaving n idle.
func burst(t *testing.T, p *zstdEncoderPool, m *zstdMetricSet, n int) {
	t.Helper()
	encs := make([]*zstd.Encoder, n)
	for i := range encs {
		enc, err := p.get(m)
		if err != nil {
			t.Fatal(err)
		}
		encs[i] = enc
	}
	for _, enc := range encs {
		p.put(m, enc)
	}
}

// TestZstdReaperDropsIdleEncoders checks that encoders left idle after a
// burst are dropped without any further use of the pool, that the bound is
// unchanged, and that the reaper then stops.
func TestZstdReaperDropsIdleEncoders(t *testing.T) {
	p := newZstdEncoderPool(zstdReaperTestKey(4))
	m := newTestZstdMetricSet(t)
	if p.reaper.running.Load() {
		t.Fatal("the reaper runs in a pool that never held an encoder")
	}
	burst(t, p, m, 4)
	if !p.reaper.running.Load() {
		t.Fatal("the reaper does not run while the pool holds idle encoders")
	}
	zstdEventually(t, "the idle encoders to be dropped", func() bool { return p.idleEncoders() == 0 })
	zstdEventually(t, "the reaper to stop", func() bool { return !p.reaper.running.Load() })
	if got := p.dropped.Load(); got != 4 {
		t.Errorf("%d encoders dropped, want 4", got)
	}
	// The bound is unchanged: four compressions at once still proceed
	// without waiting, on new encoders.
	burst(t, p, m, 4)
	if got := m.wait.Count(); got != 0 {
		t.Errorf("%d waits after the drops, want 0", got)
	}
	if got := p.created.Load(); got != 8 {
		t.Errorf("%d encoders built, want 8: 4 before the drops and 4 after", got)
	}
	drainZstdPool(p)
}

// TestZstdReaperKeepsWhatIsUsed checks that under a steady load of one
// compression at a time the reaper drops the encoders a burst left beyond
// it, but never the one in use: no encoder is rebuilt.
func TestZstdReaperKeepsWhatIsUsed(t *testing.T) {
	p := newZstdEncoderPool(zstdReaperTestKey(4))
	m := newTestZstdMetricSet(t)
	burst(t, p, m, 4)
	src := zstdTestPayload(1 << 10)
	compress := func() {
		if _, err := p.encode(m, nil, src); err != nil {
			t.Fatal(err)
		}
	}
	zstdEventually(t, "the surplus encoders to be dropped", func() bool {
		compress()
		return p.dropped.Load() == 3
	})
	// Several idle times more of the same load.
	ticks := p.reaper.ticks.Load()
	for p.reaper.ticks.Load() < ticks+3*zstdReaperQuarters {
		compress()
		time.Sleep(100 * time.Microsecond)
	}
	if got := p.created.Load(); got != 4 {
		t.Errorf("%d encoders built, want the 4 of the burst: an encoder in use was dropped", got)
	}
	if got := p.dropped.Load(); got != 3 {
		t.Errorf("%d encoders dropped, want 3", got)
	}
	drainZstdPool(p)
}

// TestZstdReaperIdleWithoutEncoders checks that a pool whose encoders are
// all in use, or which has none, runs no timer.
func TestZstdReaperIdleWithoutEncoders(t *testing.T) {
	p := newZstdEncoderPool(zstdReaperTestKey(2))
	enc, err := p.get(nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.reaper.running.Load() {
		t.Fatal("a timer runs while the only encoder is in use")
	}
	p.put(nil, enc)
	zstdEventually(t, "the reaper to drop the encoder and stop", func() bool {
		return p.idleEncoders() == 0 && !p.reaper.running.Load()
	})
	ticks := p.reaper.ticks.Load()
	time.Sleep(10 * p.reaper.period())
	if got := p.reaper.ticks.Load(); got != ticks {
		t.Errorf("the reaper ticked %d times in a pool without idle encoders", got-ticks)
	}
}

// TestZstdReaperDropsUnusedSpare checks that the spare encoder that
// compressions under a broker's lock keep is dropped once no compression
// used it for the idle time, as idle encoders are, and that the reaper then
// stops.
func TestZstdReaperDropsUnusedSpare(t *testing.T) {
	p := newZstdEncoderPool(zstdReaperTestKey(1))
	m := newTestZstdMetricSet(t)
	held, err := p.get(m)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.encodeNoWait(m, nil, []byte("under the lock")); err != nil {
		t.Fatal(err)
	}
	if len(p.spare) != 1 || !p.reaper.running.Load() {
		t.Fatal("no spare kept, or no reaper to drop it")
	}
	zstdEventually(t, "the spare to be dropped", func() bool { return len(p.spare) == 0 })
	p.put(m, held)
	zstdEventually(t, "the idle encoder to be dropped", func() bool { return p.idleEncoders() == 0 })
	zstdEventually(t, "the reaper to stop", func() bool { return !p.reaper.running.Load() })
	if got := p.dropped.Load(); got != 2 {
		t.Errorf("%d encoders dropped, want 2: the spare and the idle one", got)
	}
	drainZstdPool(p)
}
