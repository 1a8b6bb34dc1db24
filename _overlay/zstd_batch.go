package sarama

import (
	"fmt"

	"github.com/klauspost/compress/zstd"
)

// compressZstdBatchBuffers encodes a producer's batch's records and
// compresses them with enc, both into pooled buffers: the uncompressed
// records go back as soon as they are compressed; the compressed bytes
// stay with the batch (b.zstdBuffer) until releaseZstdBuffers, once the
// request that carries them is encoded. It does what
// RecordBatch.encodeRecords does, with buffers of its own instead of the
// heap's.
func compressZstdBatchBuffers(b *RecordBatch, enc *zstd.Encoder) error {
	records := recordsArray(b.Records)
	var prep prepEncoder
	if err := records.encode(&prep); err != nil {
		return err
	}
	if prep.length < 0 || prep.length > int(MaxRequestSize) {
		return PacketEncodingError{fmt.Sprintf("invalid record batch size (%d)", prep.length)}
	}
	raw := getZstdBuffer(prep.length)
	defer putZstdBuffer(raw)
	real := realEncoder{raw: raw.b[:prep.length]}
	if err := records.encode(&real); err != nil {
		return err
	}
	// Room for the records: compressed they are smaller, but for a rare
	// incompressible batch that EncodeAll grows.
	out := getZstdBuffer(prep.length)
	out.b = enc.EncodeAll(real.raw, out.b)
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
	for _, partitions := range req.records {
		for _, records := range partitions {
			if b := records.RecordBatch; b != nil && b.zstdBuffer != nil {
				b.compressedRecords = nil
				putZstdBuffer(b.zstdBuffer)
				b.zstdBuffer = nil
			}
		}
	}
}
