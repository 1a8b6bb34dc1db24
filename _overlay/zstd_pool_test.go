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
	"github.com/rcrowley/go-metrics"
)

func newTestZstdPoolMetrics() *zstdPoolMetrics {
	r := metrics.NewRegistry()
	return &zstdPoolMetrics{
		created: metrics.GetOrRegisterCounter(zstdEncodersCreatedMetric, r),
		wait:    getOrRegisterHistogram(zstdEncoderWaitMetric, r),
	}
}

// TestZstdPoolInvariants hammers pools with 1000 goroutines and checks, from
// inside every encoding, that the bounds hold and no encoder is shared.
func TestZstdPoolInvariants(t *testing.T) {
	const goroutines = 1000
	src := zstdTestPayload(2 << 10)
	for _, tc := range []struct {
		name            string
		maxIdle, maxUse int
		perGoroutine    int // compressions per goroutine
	}{
		{"idle=inUse", 4, 4, 8},
		{"idle<inUse", 1, 4, 4},
		{"idle=0", 0, 3, 1}, // every compression builds an encoder: keep it short
		{"inUse=1", 1, 1, 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newZstdEncoderPool(zstdPoolKey{level: 1, maxIdle: tc.maxIdle, maxInUse: tc.maxUse})
			m := newTestZstdPoolMetrics()
			var inUse, peak atomic.Int64
			var busy sync.Map // *zstd.Encoder -> *atomic.Bool
			check := func(enc *zstd.Encoder, src, dst []byte) []byte {
				n := inUse.Add(1)
				defer inUse.Add(-1)
				for old := peak.Load(); n > old && !peak.CompareAndSwap(old, n); old = peak.Load() {
				}
				if n > int64(tc.maxUse) {
					t.Errorf("%d encoders in use, bound is %d", n, tc.maxUse)
				}
				if idle := p.idleEncoders(); idle > int64(tc.maxIdle) {
					t.Errorf("%d idle encoders, bound is %d", idle, tc.maxIdle)
				}
				flag, _ := busy.LoadOrStore(enc, new(atomic.Bool))
				if !flag.(*atomic.Bool).CompareAndSwap(false, true) {
					t.Errorf("encoder %p used by two callers at once", enc)
				}
				defer flag.(*atomic.Bool).Store(false)
				// Let other goroutines run while this one holds the encoder,
				// so that the bound is reached on any number of CPUs.
				runtime.Gosched()
				return enc.EncodeAll(src, dst)
			}

			var wg sync.WaitGroup
			for range goroutines {
				wg.Go(func() {
					for range tc.perGoroutine {
						out, err := p.encodeWith(m, nil, src, check)
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

			if got := p.inUse(); got != 0 {
				t.Errorf("%d encoders still in use after all callers returned", got)
			}
			if idle := p.idleEncoders(); idle > int64(tc.maxIdle) {
				t.Errorf("%d idle encoders at rest, bound is %d", idle, tc.maxIdle)
			}
			created := p.created.Load()
			if tc.maxIdle >= tc.maxUse && created > int64(tc.maxUse) {
				t.Errorf("%d encoders created, want at most MaxInUseEncoders = %d", created, tc.maxUse)
			}
			if got := m.created.Count(); got != created {
				t.Errorf("zstd-encoders-created = %d, pool built %d", got, created)
			}
			if m.wait.Count() == 0 {
				t.Errorf("no wait recorded with %d goroutines and %d encoders", goroutines, tc.maxUse)
			}
			t.Logf("peak in use %d, created %d, waits %d", peak.Load(), created, m.wait.Count())
		})
	}
}

// TestZstdPoolPanicLeaksNothing checks that a panic inside encoding returns
// the permit, drops the encoder, and leaves the pool fully usable.
func TestZstdPoolPanicLeaksNothing(t *testing.T) {
	p := newZstdEncoderPool(zstdPoolKey{level: 3, maxIdle: 2, maxInUse: 2})
	src := zstdTestPayload(1 << 10)
	var panicked *zstd.Encoder
	boom := func(enc *zstd.Encoder, _, _ []byte) []byte {
		panicked = enc
		panic("boom")
	}
	for range 5 {
		func() {
			defer func() {
				if recover() == nil {
					t.Fatal("the panic did not reach the caller")
				}
			}()
			_, _ = p.encodeWith(nil, nil, src, boom)
		}()
		if got := p.inUse(); got != 0 {
			t.Fatalf("%d encoders in use after a panic", got)
		}
		if got := p.idleEncoders(); got != 0 {
			t.Fatalf("the encoder that panicked was kept: %d idle", got)
		}
	}

	// Both permits still work, and the encoder that panicked is never lent again.
	var wg sync.WaitGroup
	for range 100 {
		wg.Go(func() {
			_, err := p.encodeWith(nil, nil, src, func(enc *zstd.Encoder, src, dst []byte) []byte {
				if enc == panicked {
					t.Error("an encoder that panicked was reused")
				}
				return enc.EncodeAll(src, dst)
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := p.created.Load(); got > 5+2 {
		t.Errorf("%d encoders created, want at most 5 (dropped) + 2 (the bound)", got)
	}
}

// TestZstdPoolBuildFailureReturnsPermit checks that an encoder that cannot
// be built costs no permit: every caller gets the error, none hangs.
func TestZstdPoolBuildFailureReturnsPermit(t *testing.T) {
	p := newZstdEncoderPool(zstdPoolKey{level: 3, maxIdle: 1, maxInUse: 1})
	p.opts = append(p.opts, zstd.WithWindowSize(1)) // below zstd's minimum window
	for range 3 {
		if _, err := p.encode(nil, nil, []byte("x")); err == nil {
			t.Fatal("expected the encoder's construction error")
		}
	}
	if got := p.inUse(); got != 0 {
		t.Errorf("%d permits lost to failed builds", got)
	}
}

// TestZstdPoolRecordsWaits checks that a compression that finds every
// encoder in use waits, and that the wait is recorded once.
func TestZstdPoolRecordsWaits(t *testing.T) {
	p := newZstdEncoderPool(zstdPoolKey{level: 3, maxIdle: 1, maxInUse: 1})
	m := newTestZstdPoolMetrics()
	held, err := p.get(m)
	if err != nil {
		t.Fatal(err)
	}
	if m.wait.Count() != 0 || m.created.Count() != 1 {
		t.Fatalf("first get: waits %d created %d, want 0 and 1", m.wait.Count(), m.created.Count())
	}

	done := make(chan error)
	go func() {
		_, err := p.encode(m, nil, []byte("waits for the only encoder"))
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("compression finished while the only encoder was in use (err %v)", err)
	case <-time.After(50 * time.Millisecond):
	}
	p.put(held)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := m.wait.Count(); got != 1 {
		t.Errorf("waits recorded = %d, want 1", got)
	}
	if got := m.created.Count(); got != 1 {
		t.Errorf("encoders created = %d, want 1: the waiter must get the returned encoder", got)
	}
}

// TestZstdPoolTakeAllocatesNothing checks the fast path: once warm, taking
// and returning an idle encoder allocates nothing.
func TestZstdPoolTakeAllocatesNothing(t *testing.T) {
	p := newZstdEncoderPool(zstdPoolKey{level: 3, maxIdle: 2, maxInUse: 2})
	m := newTestZstdPoolMetrics()
	enc, err := p.get(m)
	if err != nil {
		t.Fatal(err)
	}
	p.put(enc)
	allocs := testing.AllocsPerRun(1000, func() {
		enc, err := p.get(m)
		if err != nil {
			t.Fatal(err)
		}
		p.put(enc)
	})
	if allocs != 0 {
		t.Errorf("get+put of an idle encoder allocates %.1f times, want 0", allocs)
	}
}

func TestZstdPoolsSharedByKey(t *testing.T) {
	a := zstdPoolFor(11, 3, 2)
	if b := zstdPoolFor(11, 2, 2); a != b {
		t.Error("an idle cap above the in-use cap must map to the same pool as idle = in use")
	}
	if c := zstdPoolFor(11, 1, 2); a == c {
		t.Error("pools with different idle caps must differ")
	}
	if d := zstdPoolFor(12, 2, 2); a == d {
		t.Error("pools of different levels must differ")
	}
}

// TestZstdPoolWaiterNotStarved checks that a caller that holds the only
// encoder nearly all the time, returning and retaking it between
// compressions, cannot keep a waiter out: the waiter, parked first, gets the
// encoder at the next return. On one P, a pool that let the returning
// caller barge would serve the waiter only by chance (such a variant failed
// this test 10 times in 10).
func TestZstdPoolWaiterNotStarved(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	p := newZstdEncoderPool(zstdPoolKey{level: 1, maxIdle: 1, maxInUse: 1})
	m := newTestZstdPoolMetrics() // the waiter's
	held, err := p.get(nil)
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan struct{})
	go func() {
		enc, err := p.get(m)
		if err != nil {
			t.Error(err)
		}
		p.put(enc)
		close(served)
	}()
	for p.waiters.Load() == 0 { // until the waiter is parked
		runtime.Gosched()
	}
	// Each round compresses a little while holding the encoder. The rounds
	// last far longer than the threshold plus a scheduler time slice; if
	// the waiter is not served by the end, it was starved.
	const rounds = 30_000
	src := zstdTestPayload(1 << 10)
	for i := 0; ; i++ {
		_ = held.EncodeAll(src, nil)
		p.put(held)
		select {
		case <-served:
			if got := m.wait.Count(); got != 1 {
				t.Errorf("waits recorded = %d, want 1", got)
			}
			return
		default:
		}
		if i == rounds {
			t.Fatalf("waiter not served after %d returns of the only encoder", rounds)
		}
		if held, err = p.get(nil); err != nil {
			t.Fatal(err)
		}
	}
}
