//go:build !functional

package sarama

import (
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
)

// TestZstdIdleEncodersDropped leaves encoders idle after a burst: they are
// dropped without further use of the pool, the bound is unchanged, and a
// pool that no producer uses is then freed.
func TestZstdIdleEncodersDropped(t *testing.T) {
	if got := NewConfig().Producer.Zstd.MaxIdleTime; got != time.Minute {
		t.Errorf("default MaxIdleTime %v, want 1m", got)
	}
	conf := newTestZstdConfig(3, 0)
	conf.Producer.Zstd.MaxIdleTime = 20 * time.Millisecond // a tick every 5ms
	key := zstdProducerPoolKey(conf)
	p := acquireZstdPool(key, nil)
	burst := func() {
		var held []*zstd.Encoder
		for range 3 {
			enc, err := p.get(nil)
			if err != nil {
				t.Fatal(err)
			}
			held = append(held, enc)
		}
		for _, enc := range held {
			p.put(nil, enc)
		}
	}
	burst()
	zstdEventually(t, "the idle encoders to be dropped", func() bool { return p.idleEncoders() == 0 })
	if got := p.dropped.Load(); got != 3 {
		t.Errorf("%d encoders dropped, want 3", got)
	}
	burst() // three at once again, without waiting: the bound is unchanged
	if got := p.created.Load(); got != 6 {
		t.Errorf("%d encoders built, want 3 before the drops and 3 after", got)
	}
	releaseZstdPool(p, nil)
	zstdEventually(t, "the unused pool to be freed", func() bool {
		zstdPools.mu.Lock()
		defer zstdPools.mu.Unlock()
		return zstdPools.byKey[key] != p
	})
}
