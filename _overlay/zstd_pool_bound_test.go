//go:build !functional

package sarama

import (
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
)

// withGOMAXPROCS runs the rest of the test at GOMAXPROCS n, the pools'
// bound, and has the pools read it at once.
func withGOMAXPROCS(t *testing.T, n int) {
	refresh := func() { zstdProcs.read.Store(0); zstdGOMAXPROCS(true) }
	prev := runtime.GOMAXPROCS(n)
	refresh()
	t.Cleanup(func() { runtime.GOMAXPROCS(prev); refresh() })
}

// counts returns the pool's encoders lent and idle, and its waiters.
func (p *zstdEncoderPool) counts() (lent, idle, waiters int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lent, len(p.idle), len(p.waiters)
}

// zstdEventually polls cond until it holds; the deadline only turns a hang
// into a failure.
func zstdEventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("still waiting for %s", what)
		}
	}
}

// lend takes an encoder of p for the test to hold.
func lend(t *testing.T, p *zstdEncoderPool, wait bool) *zstdLease {
	l := &zstdLease{}
	if err := p.acquire(l, wait); err != nil {
		t.Fatal(err)
	}
	return l
}

func TestZstdPoolBoundsEncodersInUse(t *testing.T) {
	withGOMAXPROCS(t, 2)
	p := newZstdEncoderPool(zstdDefaultPoolKey(1))
	var mu sync.Mutex
	busy, seen := map[*zstd.Encoder]bool{}, map[*zstd.Encoder]bool{}
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			for range 8 {
				var l zstdLease
				if err := p.acquire(&l, true); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if busy[l.enc] {
					t.Errorf("encoder %p lent to two compressions at once", l.enc)
				}
				busy[l.enc], seen[l.enc] = true, true
				mu.Unlock()
				runtime.Gosched() // let the others pile up
				mu.Lock()
				busy[l.enc] = false
				mu.Unlock()
				p.release(&l, true)
			}
		})
	}
	wg.Wait()
	if lent, idle, waiters := p.counts(); len(seen) > 2 || lent != 0 || waiters != 0 || idle != len(seen) {
		t.Errorf("%d encoders built for a bound of 2; after, %d lent, %d idle, %d waiting", len(seen), lent, idle, waiters)
	}
}

func TestZstdPoolServesWaitersInOrder(t *testing.T) {
	withGOMAXPROCS(t, 1)
	p := newZstdEncoderPool(zstdDefaultPoolKey(1))
	held := lend(t, p, true)
	var served []int
	var wg sync.WaitGroup
	for i := range 5 {
		wg.Go(func() {
			var l zstdLease
			_ = p.acquire(&l, true)
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
	withGOMAXPROCS(t, 1)
	p := newZstdEncoderPool(zstdDefaultPoolKey(1))
	first := lend(t, p, true)
	withGOMAXPROCS(t, 2)
	second := lend(t, p, true) // builds: the bound is 2 now
	withGOMAXPROCS(t, 1)
	p.release(first, true)  // above the bound of 1: dropped
	p.release(second, true) // kept
	if failed := lend(t, p, true); failed.enc != second.enc {
		t.Fatalf("got %p, want the idle encoder %p", failed.enc, second.enc)
	} else {
		p.release(failed, false)
	}
	if lent, idle, _ := p.counts(); lent != 0 || idle != 0 {
		t.Errorf("%d lent, %d idle, want none", lent, idle)
	}
}

// TestZstdPoolNoWaitUsesASpare: compressions under a broker's lock never
// wait; the first builds the pool's spare, outside the bound and kept for
// the next; one that finds the spare taken builds an encoder of its own.
func TestZstdPoolNoWaitUsesASpare(t *testing.T) {
	withGOMAXPROCS(t, 1)
	p := newZstdEncoderPool(zstdDefaultPoolKey(1))
	held, a, b := lend(t, p, true), lend(t, p, false), lend(t, p, false)
	if a.enc == held.enc || b.enc == a.enc || a.pooled || b.pooled {
		t.Fatal("a compression that must not wait shared an encoder, or counted in the bound")
	}
	p.release(a, true)
	p.release(b, true)
	if again := lend(t, p, false); again.enc != a.enc {
		t.Errorf("got %p, want the spare %p", again.enc, a.enc)
	}
}
