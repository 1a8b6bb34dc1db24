package sarama

import (
	"math/bits"
	"sync"
)

// A producer's zstd batch passes through two buffers that are dead once the
// request holding it is encoded: the records before compression, and their
// compressed bytes. They come from these pools instead of the heap, in
// power-of-two size classes from 1 KiB to 16 MiB. The pools are sync.Pools:
// what a burst leaves in them goes back to the heap after two collections,
// so a 1 MiB batch pins no 1 MiB buffer.
const (
	zstdBufferMinClass = 10 // 1 KiB
	zstdBufferMaxClass = 24 // 16 MiB; larger buffers come and go with the heap
)

var zstdBufferPools [zstdBufferMaxClass - zstdBufferMinClass + 1]sync.Pool

// zstdBuffer is a pooled byte slice. Pooling a pointer to it, not the slice,
// keeps Put from allocating.
type zstdBuffer struct {
	b []byte
}

// getZstdBuffer returns an empty buffer with room for n bytes.
func getZstdBuffer(n int) *zstdBuffer {
	class := max(bits.Len(uint(max(n, 1)-1)), zstdBufferMinClass)
	if class > zstdBufferMaxClass {
		return &zstdBuffer{b: make([]byte, 0, n)}
	}
	if buf, ok := zstdBufferPools[class-zstdBufferMinClass].Get().(*zstdBuffer); ok {
		buf.b = buf.b[:0]
		return buf
	}
	return &zstdBuffer{b: make([]byte, 0, 1<<class)}
}

// putZstdBuffer gives a buffer back. Nothing may read or write it after.
func putZstdBuffer(buf *zstdBuffer) {
	if buf == nil {
		return
	}
	// The fork's test mode (-tags zstdpoison) overwrites it, so that a late
	// reader in the tests sees garbage instead of the bytes it expected.
	if zstdPoisonBuffers {
		full := buf.b[:cap(buf.b)]
		for i := range full {
			full[i] = 0xa5
		}
	}
	class := bits.Len(uint(cap(buf.b))) - 1 // the class whose size it holds
	if class < zstdBufferMinClass || class > zstdBufferMaxClass {
		return
	}
	zstdBufferPools[class-zstdBufferMinClass].Put(buf)
}
