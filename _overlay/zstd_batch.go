package sarama

import (
	"fmt"
	"iter"
)

// encodeRecords encodes a producer's batch's records and compresses them,
// both into pooled buffers: the uncompressed records go back as soon as
// they are compressed; the compressed bytes stay with the batch
// (b.zstdBuffer) until releaseZstdBuffers, once the request that carries
// them is encoded. The encoder comes first, so that a batch waiting for one
// holds no buffer.
//
// It does what RecordBatch.encodeRecords does for the other codecs, with
// buffers of its own instead of the heap's. compressZstdBatches calls it for
// every batch before the broker's lock is taken; RecordBatch.encodeRecords
// calls it with wait false, under the lock, only for a batch whose
// compression failed there (or that is encoded outside a producer's send).
func (c *zstdCompressor) encodeRecords(b *RecordBatch, wait bool) error {
	pool, wait := c.poolFor(b.CompressionLevel, wait)
	enc, pooled, err := pool.acquire(c.metrics, wait)
	if err != nil {
		return err
	}
	done := false
	defer func() { pool.release(c.metrics, enc, pooled, done) }()

	records := recordsArray(b.Records)
	var prep prepEncoder
	if err := records.encode(&prep); err != nil {
		done = true
		return err
	}
	if prep.length < 0 || prep.length > int(MaxRequestSize) {
		done = true
		return PacketEncodingError{fmt.Sprintf("invalid record batch size (%d)", prep.length)}
	}
	raw := getZstdBuffer(prep.length)
	defer putZstdBuffer(raw)
	real := realEncoder{raw: raw.b[:prep.length]}
	if err := records.encode(&real); err != nil {
		done = true
		return err
	}
	// Room for the records: compressed they are smaller, but for a rare
	// incompressible batch that EncodeAll grows.
	out := getZstdBuffer(prep.length)
	out.b = enc.EncodeAll(real.raw, out.b)
	done = true

	b.recordsLen = prep.length
	putZstdBuffer(b.zstdBuffer) // a batch compressed again: its old bytes are unreferenced
	b.compressedRecords, b.zstdBuffer = out.b, out
	return nil
}

// releaseZstdBuffers gives back the compressed bytes of a produce request's
// batches once the request has been encoded into the bytes to write (or
// failed to be): nothing reads them after. Broker.sendInternal calls it
// before writing the request, so before any response can lead to a retry,
// which sends the same batches again: they compress again then, and never
// read a released buffer.
func releaseZstdBuffers(body protocolBody) {
	req, ok := body.(*ProduceRequest)
	if !ok {
		return
	}
	for b := range zstdBatches(req) {
		if b.zstdBuffer != nil {
			b.compressedRecords = nil
			putZstdBuffer(b.zstdBuffer)
			b.zstdBuffer = nil
		}
	}
}

// zstdBatches returns the zstd record batches of req that a producer built,
// with its handle.
func zstdBatches(req *ProduceRequest) iter.Seq[*RecordBatch] {
	return func(yield func(*RecordBatch) bool) {
		for _, partitions := range req.records {
			for _, records := range partitions {
				b := records.RecordBatch
				if b != nil && b.zstd != nil && b.Codec == CompressionZSTD && !yield(b) {
					return
				}
			}
		}
	}
}
