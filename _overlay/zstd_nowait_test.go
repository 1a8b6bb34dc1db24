//go:build !functional

package sarama

import "testing"

// Compressions under a broker's lock never wait: with every encoder lent
// they take the pool's spare, or build one more if another has it.
func TestZstdPoolNoWait(t *testing.T) {
	withGOMAXPROCS(t, 1)
	p := newZstdEncoderPool(zstdDefaultPoolKey(1))
	held := lend(t, p)
	a, b := &zstdLease{noWait: true}, &zstdLease{noWait: true}
	if p.acquire(a) != nil || p.acquire(b) != nil || a.enc == held.enc || b.enc == a.enc {
		t.Fatal("a compression that must not wait waited, or shared an encoder")
	}
	p.release(a, true) // kept as the spare
	p.release(b, true) // dropped: the pool keeps one spare
	if again := (&zstdLease{noWait: true}); p.acquire(again) != nil || again.enc != a.enc {
		t.Errorf("got %p, want the spare %p", again.enc, a.enc)
	}
	if lent, idle, _ := p.counts(); lent != 1 || idle != 0 {
		t.Errorf("%d lent, %d idle, want the held one only", lent, idle)
	}
}
