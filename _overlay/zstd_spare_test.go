//go:build !functional

package sarama

import "testing"

// TestZstdPoolNoWaitKeepsASpare: of the encoders built outside the bound
// by compressions that could not wait, the pool keeps one as its spare,
// which serves the next such compression; the others are dropped.
func TestZstdPoolNoWaitKeepsASpare(t *testing.T) {
	p := newTestZstdPool(t, 1)
	held, a, b := lend(t, p, true), lend(t, p, false), lend(t, p, false)
	p.release(a, true)
	p.release(b, true)
	if again := lend(t, p, false); again.enc != a.enc {
		t.Errorf("got %p, want the spare %p", again.enc, a.enc)
	}
	p.release(held, true)
}
