//go:build !functional

package sarama

import (
	"bytes"
	"fmt"
	"testing"
)

func TestZstdBufferSizes(t *testing.T) {
	for _, n := range []int{0, 1, 1023, 1024, 1025, 1 << 20, 16 << 20, 16<<20 + 1} {
		buf := getZstdBuffer(n)
		if c := cap(buf.b); len(buf.b) != 0 || c < n || (n <= 16<<20 && (c&(c-1) != 0 || c < 1<<zstdBufferMinClass)) {
			t.Errorf("getZstdBuffer(%d): len %d cap %d", n, len(buf.b), c)
		}
		putZstdBuffer(buf)
	}
}

// TestZstdBatchBuffersLifetime follows a producer's batch: compressed into
// a pooled buffer before its request is sent, the buffer given back after
// the request is encoded, and the batch compressed again if the request is
// ever encoded again. Run with -tags zstdpoison, a read of a buffer after
// its release fails the comparisons.
func TestZstdBatchBuffersLifetime(t *testing.T) {
	c, err := newZstdCompressor(newTestZstdConfig(1, 0))
	if err != nil {
		t.Fatal(err)
	}
	defer drainTestZstdPool(c.pool)
	defer c.close()
	value := func(i int) []byte { return []byte(fmt.Sprintf("value %d of a batch of records", i)) }
	b := &RecordBatch{Version: 2, Codec: CompressionZSTD, CompressionLevel: CompressionLevelDefault, zstd: c}
	for i := range 20 {
		b.addRecord(&Record{OffsetDelta: int64(i), Value: value(i)})
	}
	req := &ProduceRequest{Version: 7}
	req.AddBatch("t", 0, b)

	compressZstdBatches(req)
	if b.compressedRecords == nil || b.zstdBuffer == nil {
		t.Fatal("the batch was not compressed into a pooled buffer")
	}
	first, err := encode(req, nil)
	if err != nil {
		t.Fatal(err)
	}
	releaseZstdBuffers(req)
	if b.compressedRecords != nil || b.zstdBuffer != nil {
		t.Fatal("the batch holds its buffer after the release")
	}
	again, err := encode(req, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, again) {
		t.Error("the request encoded again differs")
	}
	var decoded ProduceRequest
	if err := versionedDecode(again, &decoded, 7, nil); err != nil {
		t.Fatal(err)
	}
	got := decoded.records["t"][0].RecordBatch.Records
	if len(got) != 20 || !bytes.Equal(got[19].Value, value(19)) {
		t.Errorf("decoded %d records, or the last one differs", len(got))
	}
}
