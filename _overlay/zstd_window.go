package sarama

import "math/bits"

// Bounds of an encoder's window. Below 64 KiB klauspost/compress shrinks
// its blocks too, and above 8 MiB (its default) no batch gains.
const (
	zstdMinWindow = 64 << 10
	zstdMaxWindow = 8 << 20
)

// defaultProducerMaxMessageBytes is NewConfig's Producer.MaxMessageBytes:
// the window of the default pools.
const defaultProducerMaxMessageBytes = 1024 * 1024

// zstdWindow is the smallest power of two that holds a batch of
// maxMessageBytes, within the window bounds. klauspost/compress's default
// window is 8 MiB, with buffers to match, whatever the input; zstd gains
// nothing from a window larger than its input, and a batch that fits the
// window compresses to the same bytes as with the default. A larger batch
// (a single message near Producer.MaxMessageBytes) still gives a standard
// frame, with a window every consumer accepts.
func zstdWindow(maxMessageBytes int) int {
	if maxMessageBytes <= zstdMinWindow {
		return zstdMinWindow
	}
	if maxMessageBytes >= zstdMaxWindow {
		return zstdMaxWindow
	}
	return 1 << bits.Len(uint(maxMessageBytes-1))
}
