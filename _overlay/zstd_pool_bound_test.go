//go:build !functional

package sarama

import (
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// withGOMAXPROCS sets GOMAXPROCS, the pools' bound, for the rest of the test.
func withGOMAXPROCS(t *testing.T, n int) {
	refresh := func() { zstdProcs.read.Store(0); zstdGOMAXPROCS(true) }
	prev := runtime.GOMAXPROCS(n)
	refresh()
	t.Cleanup(func() { runtime.GOMAXPROCS(prev); refresh() })
}

// newTestZstdPool returns a pool of its own whose bound is n.
func newTestZstdPool(t *testing.T, n int) *zstdEncoderPool {
	withGOMAXPROCS(t, n)
	return newZstdEncoderPool(zstdDefaultPoolKey(1))
}

// counts returns the pool's encoders lent and idle, and its waiters.
func (p *zstdEncoderPool) counts() (lent, idle, waiters int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lent, len(p.idle), len(p.waiters)
}

// zstdEventually polls cond; the deadline only turns a hang into a failure.
func zstdEventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("still waiting for %s", what)
		}
	}
}

// lend takes an encoder of p for the test to hold, waiting if need be.
func lend(t testing.TB, p *zstdEncoderPool) *zstdLease {
	l := &zstdLease{}
	if err := p.acquire(l); err != nil {
		t.Fatal(err)
	}
	return l
}

func TestZstdPoolBoundsEncodersInUse(t *testing.T) {
	p := newTestZstdPool(t, 2)
	var inUse atomic.Int32
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			for range 8 {
				var l zstdLease
				_ = p.acquire(&l)
				if n := inUse.Add(1); n > 2 {
					t.Errorf("%d compressions hold an encoder at once, bound 2", n)
				}
				runtime.Gosched() // let the others pile up
				inUse.Add(-1)
				p.release(&l, true)
			}
		})
	}
	wg.Wait()
	// None dropped: the encoders built are those idle.
	if lent, idle, waiters := p.counts(); idle > 2 || lent != 0 || waiters != 0 {
		t.Errorf("%d encoders built for a bound of 2; after, %d lent, %d waiting", idle, lent, waiters)
	}
}

func TestZstdPoolServesWaitersInOrder(t *testing.T) {
	p := newTestZstdPool(t, 1)
	held := lend(t, p)
	var served []int
	var wg sync.WaitGroup
	for i := range 5 {
		wg.Go(func() {
			var l zstdLease
			_ = p.acquire(&l)
			served = append(served, i) // one at a time: each holds the only encoder
			p.release(&l, true)
		})
		zstdEventually(t, "the waiter to queue", func() bool { _, _, w := p.counts(); return w == i+1 })
	}
	p.release(held, true)
	wg.Wait()
	if !slices.Equal(served, []int{0, 1, 2, 3, 4}) {
		t.Errorf("waiters served in the order %v", served)
	}
}

// TestZstdPoolFollowsGOMAXPROCS: the bound grows at once; when it shrinks,
// the encoder above it is dropped as it comes back, not taken from its
// compression; an encoder whose compression did not finish is dropped.
func TestZstdPoolFollowsGOMAXPROCS(t *testing.T) {
	p := newTestZstdPool(t, 1)
	first := lend(t, p)
	withGOMAXPROCS(t, 2)
	second := lend(t, p) // builds: the bound is 2 now
	withGOMAXPROCS(t, 1)
	p.release(first, true) // above the bound of 1: dropped
	p.release(second, true)
	if again := lend(t, p); again.enc != second.enc {
		t.Errorf("got %p, want the idle encoder %p", again.enc, second.enc)
	} else {
		p.release(again, false)
	}
	if lent, idle, _ := p.counts(); lent != 0 || idle != 0 {
		t.Errorf("%d lent, %d idle, want none", lent, idle)
	}
}
