//go:build !functional

package sarama

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/klauspost/compress/zstd"
)

func TestZstdIdleExpired(t *testing.T) {
	const idle = time.Minute
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ago := func(ds ...time.Duration) []time.Time {
		since := make([]time.Time, len(ds))
		for i, d := range ds {
			since[i] = t0.Add(-d)
		}
		return since
	}
	for _, tc := range []struct {
		name    string
		since   []time.Time
		expired int
		next    time.Duration
	}{
		{"none idle", nil, 0, 0},
		{"one fresh", ago(0), 0, idle},
		{"one just expired", ago(idle), 1, 0},
		{"one about to expire: a quarter later", ago(idle - time.Second), 0, idle / 4},
		{"the oldest two expired", ago(2*idle, idle, 30*time.Second), 2, 30 * time.Second},
		{"all expired", ago(3*idle, 2*idle, idle), 3, 0},
		{"none expired: the oldest next", ago(40*time.Second, 10*time.Second), 0, 20 * time.Second},
	} {
		expired, next := zstdIdleExpired(tc.since, t0, idle)
		if expired != tc.expired || next != tc.next {
			t.Errorf("%s: expired %d, next %v; want %d, %v", tc.name, expired, next, tc.expired, tc.next)
		}
	}
}

// zstdIdleTestPool returns a pool whose encoders expire after a minute, in
// a bubble's fake time. Its timer belongs to the bubble: the pool must not
// be used outside.
func zstdIdleTestPool(maxInUse int) *zstdEncoderPool {
	return newZstdEncoderPool(zstdTestKey(1, 0, maxInUse))
}

// burst lends n encoders at once and returns them, leaving n idle.
func burst(t *testing.T, p *zstdEncoderPool, n int) {
	t.Helper()
	leases := make([]*zstdLease, n)
	for i := range leases {
		leases[i] = p.get(t, nil)
	}
	for _, l := range leases {
		p.release(l, true)
	}
}

// timerArmed tells whether the pool's idle timer is armed, stopping it.
func timerArmed(p *zstdEncoderPool) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.idleTimer != nil && p.idleTimer.Stop()
}

// TestZstdIdleReleasedByAge leaves encoders idle: none goes before its idle
// time, each is gone within a quarter of it after, the oldest first, and
// the timer stops once none is left.
func TestZstdIdleReleasedByAge(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := zstdIdleTestPool(4)
		idleTime := p.key.idleTime
		before := zstdDroppedIdleTime.Count()
		burst(t, p, 2) // two encoders idle from t0
		time.Sleep(idleTime / 2)
		burst(t, p, 1) // the top one used again at t0 + idleTime/2
		time.Sleep(idleTime/2 - time.Nanosecond)
		synctest.Wait()
		if _, idle, _ := p.counts(); idle != 2 {
			t.Fatalf("%d encoders idle just before the idle time, want 2", idle)
		}
		time.Sleep(idleTime/4 + time.Nanosecond)
		synctest.Wait()
		if _, idle, _ := p.counts(); idle != 1 {
			t.Fatalf("%d encoders idle a quarter after the oldest expired, want 1: the one used since", idle)
		}
		time.Sleep(idleTime / 2)
		synctest.Wait()
		if _, idle, _ := p.counts(); idle != 0 {
			t.Fatalf("%d encoders idle a quarter after the last expired", idle)
		}
		// The counter is the process's: other pools may drop theirs meanwhile.
		if got := zstdDroppedIdleTime.Count() - before; got < 2 {
			t.Errorf("zstd-encoders-dropped-idle-time grew by %d, want at least this pool's 2", got)
		}
		if timerArmed(p) {
			t.Error("the idle timer is armed in a pool that keeps no idle encoder")
		}
	})
}

// TestZstdIdleKeepsWhatIsUsed runs one compression at a time after a burst
// of four: the stack lends the same encoder every time, and the three that
// the burst left are dropped after their idle time, never the one in use.
func TestZstdIdleKeepsWhatIsUsed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := zstdIdleTestPool(4)
		m, registry := newTestZstdMetrics()
		burst(t, p, 4)
		for range 3 * 60 {
			if _, err := p.encode(m, []byte("one at a time")); err != nil {
				t.Fatal(err)
			}
			time.Sleep(time.Second)
		}
		if _, idle, _ := p.counts(); idle != 1 {
			t.Errorf("%d encoders idle after three idle times of one compression at a time, want 1", idle)
		}
		if got := zstdCounter(t, registry, "zstd-encoders-created"); got != 0 {
			t.Errorf("%d encoders built under the steady load: an encoder in use was dropped", got)
		}
		drainZstdPool(p)
	})
}

// TestZstdIdleTimerOnlyWhileIdle checks that a pool whose encoders are all
// lent, or which has none, runs no timer.
func TestZstdIdleTimerOnlyWhileIdle(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := zstdIdleTestPool(2)
		held := p.get(t, nil)
		if timerArmed(p) {
			t.Fatal("a timer is armed while the only encoder is lent")
		}
		p.release(held, true)
		if !timerArmed(p) {
			t.Fatal("no timer is armed while an encoder is idle")
		}
	})
}

// TestZstdIdleDropsUnusedSpare checks that the spare that compressions
// under a broker's lock keep is dropped once unused for the idle time.
func TestZstdIdleDropsUnusedSpare(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := zstdIdleTestPool(1)
		held := p.get(t, nil)
		if _, err := p.compressNoWait(nil, []byte("under the lock")); err != nil {
			t.Fatal(err)
		}
		spare := func() *zstd.Encoder {
			p.mu.Lock()
			defer p.mu.Unlock()
			return p.spare
		}
		if spare() == nil {
			t.Fatal("no spare kept")
		}
		time.Sleep(p.key.idleTime + p.key.idleTime/4)
		synctest.Wait()
		if spare() != nil {
			t.Error("the spare is kept a quarter after its idle time")
		}
		p.release(held, true)
		drainZstdPool(p)
	})
}
