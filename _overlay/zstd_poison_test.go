//go:build zstdpoison && !functional

package sarama

import "testing"

// TestZstdPoisonOverwritesReleasedBuffers checks the test mode itself: a
// buffer given back is overwritten, so a reader that kept it sees garbage.
func TestZstdPoisonOverwritesReleasedBuffers(t *testing.T) {
	buf := getZstdBuffer(100)
	buf.b = append(buf.b, "batch bytes"...)
	kept := buf.b
	putZstdBuffer(buf)
	if string(kept) == "batch bytes" {
		t.Fatal("a released buffer still holds its bytes under zstdpoison")
	}
}
