//go:build !functional

package sarama

import (
	"bytes"
	"runtime"
	"slices"
	"testing"
)

func TestZstdBufferSizes(t *testing.T) {
	for _, n := range []int{0, 1, 1023, 1024, 1025, 3000, 1 << 20, 16 << 20} {
		buf := getZstdBuffer(n)
		if len(buf.b) != 0 || cap(buf.b) < n {
			t.Errorf("getZstdBuffer(%d): len %d cap %d", n, len(buf.b), cap(buf.b))
		}
		if c := cap(buf.b); c&(c-1) != 0 || c < 1<<zstdBufferMinClass {
			t.Errorf("getZstdBuffer(%d): cap %d is not a size class", n, c)
		}
		putZstdBuffer(buf)
	}
	// Larger than the largest class: exact, and never pooled.
	big := getZstdBuffer(16<<20 + 1)
	if cap(big.b) != 16<<20+1 {
		t.Errorf("an oversized buffer has cap %d", cap(big.b))
	}
	putZstdBuffer(big)
	putZstdBuffer(nil)
}

// zstdTestBatchRequest returns a produce request with one zstd batch of the
// producer handle c, holding n records of the given size.
func zstdTestBatchRequest(c *zstdCompressor, n, size int) (*ProduceRequest, *RecordBatch) {
	b := &RecordBatch{Version: 2, Codec: CompressionZSTD, CompressionLevel: CompressionLevelDefault, zstd: c}
	for i := range n {
		b.addRecord(&Record{OffsetDelta: int64(i), Value: zstdTestPayload(size + i)[:size]})
	}
	req := &ProduceRequest{Version: 7}
	req.AddBatch("t", 0, b)
	return req, b
}

// TestZstdBatchBuffersLifetime follows a batch through the producer's path:
// compressed before the request is sent, its bytes released after, and
// compressed again if the request is ever encoded again.
func TestZstdBatchBuffersLifetime(t *testing.T) {
	c := newTestZstdCompressor(t, zstdTestConfig(CompressionLevelDefault, 0, 1))
	req, b := zstdTestBatchRequest(c, 20, 300)
	compressZstdBatches(req)
	if b.compressedRecords == nil || b.zstdBuffer == nil {
		t.Fatal("compressZstdBatches left the batch uncompressed")
	}
	first, err := encode(req, nil)
	if err != nil {
		t.Fatal(err)
	}
	releaseZstdBuffers(req)
	if b.compressedRecords != nil || b.zstdBuffer != nil {
		t.Fatal("releaseZstdBuffers left the batch holding its released bytes")
	}
	again, err := encode(req, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, again) {
		t.Error("a request encoded again after its release differs from the first encoding")
	}
	var decoded ProduceRequest
	if err := versionedDecode(again, &decoded, 7, nil); err != nil {
		t.Fatal(err)
	}
	got := decoded.records["t"][0].RecordBatch.Records
	if len(got) != 20 || !bytes.Equal(got[19].Value, zstdTestPayload(300 + 19)[:300]) {
		t.Errorf("decoded %d records, or the last one differs", len(got))
	}
}

// TestZstdBatchAllocations checks that, warm, a batch's way through the
// producer's zstd path allocates a few hundred bytes of bookkeeping whatever
// its size: the records and their compressed bytes come from pools.
// (Upstream allocates the batch's size, and about that again for the
// output.) The median round is asserted: a collection may empty the pools
// in any one round.
func TestZstdBatchAllocations(t *testing.T) {
	if zstdRaceEnabled {
		t.Skip("sync.Pool drops buffers at random under the race detector")
	}
	c := newTestZstdCompressor(t, zstdTestConfig(CompressionLevelDefault, 0, 1))
	for _, size := range []int{2 << 10, 256 << 10} {
		req, b := zstdTestBatchRequest(c, 8, size/8)
		round := func() {
			compressZstdBatches(req)
			if b.compressedRecords == nil {
				t.Fatal("not compressed")
			}
			releaseZstdBuffers(req)
		}
		round()
		perRound := make([]uint64, 21)
		var before, after runtime.MemStats
		for i := range perRound {
			runtime.ReadMemStats(&before)
			round()
			runtime.ReadMemStats(&after)
			perRound[i] = after.TotalAlloc - before.TotalAlloc
		}
		slices.Sort(perRound)
		median := perRound[len(perRound)/2]
		t.Logf("%d-byte batches: %d bytes allocated per batch (median)", size, median)
		if median > 512 {
			t.Errorf("%d-byte batches: %d bytes allocated per batch, want at most 512", size, median)
		}
	}
}

// TestZstdBuffersNotKept checks that buffers of a burst of 1 MiB batches go
// back to the heap once the burst is over: the pools hold them for two
// collections at most.
func TestZstdBuffersNotKept(t *testing.T) {
	heap := func() int64 {
		runtime.GC()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return int64(ms.HeapAlloc)
	}
	before := heap()
	bufs := make([]*zstdBuffer, 16)
	for i := range bufs {
		bufs[i] = getZstdBuffer(1 << 20)
	}
	for _, b := range bufs {
		putZstdBuffer(b)
	}
	bufs = nil
	if grown := heap() - before; grown > 1<<20 {
		t.Errorf("16 MiB of released buffers: heap %d bytes above the start after two collections", grown)
	}
}
