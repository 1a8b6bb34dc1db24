//go:build !functional

package sarama

import "testing"

// TestZstdPoolNoWait: compressions under a broker's lock that find every
// encoder lent do not wait. The first builds one outside the bound, kept
// as the pool's spare for the next; one that finds the spare taken builds
// its own, dropped after.
func TestZstdPoolNoWait(t *testing.T) {
	p := newTestZstdPool(t, 1)
	held := lend(t, p)
	noWait := func() *zstdLease {
		l := &zstdLease{noWait: true}
		if err := p.acquire(l); err != nil {
			t.Fatal(err)
		}
		return l
	}
	a, b := noWait(), noWait()
	if !a.outside || !b.outside || a.enc == held.enc || b.enc == a.enc {
		t.Fatal("a compression that must not wait waited, or shared an encoder")
	}
	p.release(a, true)
	p.release(b, true)
	if again := noWait(); again.enc != a.enc {
		t.Errorf("got %p, want the spare %p", again.enc, a.enc)
	}
	if lent, idle, _ := p.counts(); lent != 1 || idle != 0 {
		t.Errorf("%d lent, %d idle, want the held one only", lent, idle)
	}
	p.release(held, true)
}
