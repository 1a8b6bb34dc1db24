//go:build !functional

package sarama

import (
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"
)

// withGOMAXPROCS sets GOMAXPROCS, the pools' bound, for the rest of the test.
func withGOMAXPROCS(t *testing.T, n int) {
	prev := runtime.GOMAXPROCS(n)
	zstdProcs.read.Store(0) // read it again
	t.Cleanup(func() { runtime.GOMAXPROCS(prev); zstdProcs.read.Store(0) })
}

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

// With its one encoder lent, a pool of bound 1 builds no other: callers
// wait, and are served in the order they came.
func TestZstdPoolServesWaitersInOrder(t *testing.T) {
	withGOMAXPROCS(t, 1)
	p := newZstdEncoderPool(zstdDefaultPoolKey(1))
	held := lend(t, p)
	var served []int
	var wg sync.WaitGroup
	for i := range 5 {
		wg.Go(func() {
			l := lend(t, p)
			served = append(served, i) // one at a time: each holds the only encoder
			p.release(l, true)
		})
		zstdEventually(t, "the waiter to queue", func() bool { _, _, w := p.counts(); return w == i+1 })
	}
	if lent, idle, _ := p.counts(); lent != 1 || idle != 0 {
		t.Fatalf("%d lent, %d idle with 5 waiting, want the bound of 1", lent, idle)
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
	withGOMAXPROCS(t, 1)
	p := newZstdEncoderPool(zstdDefaultPoolKey(1))
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
