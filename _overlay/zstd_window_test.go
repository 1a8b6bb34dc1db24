//go:build !functional

package sarama

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/klauspost/compress/zstd"
)

func TestZstdWindow(t *testing.T) {
	for _, tc := range []struct{ maxMessageBytes, want int }{
		{1, zstdMinWindow},
		{64 << 10, 64 << 10},
		{64<<10 + 1, 128 << 10},
		{1000000, 1 << 20},
		{1 << 20, 1 << 20},
		{1<<20 + 1, 2 << 20},
		{100 << 20, zstdMaxWindow},
	} {
		if got := zstdWindow(tc.maxMessageBytes); got != tc.want {
			t.Errorf("zstdWindow(%d) = %d, want %d", tc.maxMessageBytes, got, tc.want)
		}
	}
}

// TestZstdWindowSameBytes compresses batches up to the default pool's window
// with it and with an encoder of klauspost/compress's default window: the
// bytes are the same.
func TestZstdWindowSameBytes(t *testing.T) {
	for _, level := range []int{CompressionLevelDefault, 1, 9, 19} {
		wide, err := zstd.NewWriter(nil, zstd.WithZeroFrames(true), zstd.WithEncoderLevel(zstdSpeed(level)), zstd.WithEncoderConcurrency(1))
		if err != nil {
			t.Fatal(err)
		}
		for _, size := range []int{0, 100, 64 << 10, 1 << 20} {
			var src []byte
			for i := 0; len(src) < size; i++ {
				src = fmt.Appendf(src, `{"id":%d,"user":"u%05d"}`, i*7919%100003, i*31%50000)
			}
			got, err := compressWaiting(zstdDefaultPool(level), src[:size])
			if want := wide.EncodeAll(src[:size], nil); err != nil || !bytes.Equal(got, want) {
				t.Errorf("level %d, %d bytes: %d bytes compressed (%v), %d with the default window", level, size, len(got), err, len(want))
			}
		}
	}
}
