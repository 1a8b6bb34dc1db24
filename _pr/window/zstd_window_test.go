//go:build !functional

package sarama

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/klauspost/compress/zstd"
)

func TestZstdWindow(t *testing.T) {
	for maxMessageBytes, want := range map[int]int{
		1:                   64 << 10,
		64 << 10:            64 << 10,
		64<<10 + 1:          128 << 10,
		1000000:             1 << 20,
		1 << 20:             1 << 20,
		100 << 20:           8 << 20,
		int(MaxRequestSize): 8 << 20,
	} {
		if got := zstdWindow(maxMessageBytes); got != want {
			t.Errorf("window for MaxMessageBytes %d: %d, want %d", maxMessageBytes, got, want)
		}
	}
}

// TestZstdWindowSameBytes compresses batches that fit the window of the
// default Producer.MaxMessageBytes with the pool's encoder and with one of
// klauspost/compress's default window: the bytes are the same.
func TestZstdWindowSameBytes(t *testing.T) {
	for _, level := range []int{CompressionLevelDefault, 1, 9} {
		speed := zstdSpeed(level)
		plain, err := zstd.NewWriter(nil, zstd.WithZeroFrames(true), zstd.WithEncoderLevel(speed), zstd.WithEncoderConcurrency(1))
		if err != nil {
			t.Fatal(err)
		}
		pool := newZstdEncoderPool(zstdDefaultPoolKey(level))
		for _, size := range []int{0, 2 << 10, 256 << 10} {
			t.Run(fmt.Sprintf("level=%d/size=%d", level, size), func(t *testing.T) {
				src := bytes.Repeat([]byte(fmt.Sprintf("record %d of a batch; ", level)), size/20+1)[:size]
				got, err := pool.encode(nil, nil, src)
				if err != nil {
					t.Fatal(err)
				}
				if want := plain.EncodeAll(src, nil); !bytes.Equal(got, want) {
					t.Errorf("%d bytes compressed to %d bytes, %d with the default window", size, len(got), len(want))
				}
			})
		}
	}
}
