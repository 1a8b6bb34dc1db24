package sarama

// compressZstdBatches compresses the zstd record batches of a produce
// request that a producer built, before the request is sent. Encoding a
// request holds its broker's lock, and a compression may wait for an
// encoder that other producers of the process hold; done here, the wait
// holds up this producer's requests to that broker only, not the metadata,
// fetch or transaction requests that share the connection. A batch keeps
// its compressed records, which the request's encoding then uses. A batch
// that fails here stays uncompressed, and encoding the request tries again,
// without waiting, and reports the error.
func compressZstdBatches(req *ProduceRequest) {
	for _, partitions := range req.records {
		for _, records := range partitions {
			b := records.RecordBatch
			if b == nil || b.Codec != CompressionZSTD || b.compressedRecords != nil {
				continue
			}
			if b.zstd != nil {
				_ = b.zstd.encodeRecords(b, true)
			} else {
				compressZstdBatch(b)
			}
		}
	}
}

// compressZstdBatch compresses a batch built without a producer's handle
// with the default pool of its level, as RecordBatch.encodeRecords would,
// but waiting for an encoder rather than building one beyond the bound.
func compressZstdBatch(b *RecordBatch) {
	raw, err := encode(recordsArray(b.Records), nil)
	if err != nil {
		return
	}
	compressed, err := zstdDefaultPool(b.CompressionLevel).encode(nil, nil, raw)
	if err != nil {
		return
	}
	b.recordsLen, b.compressedRecords = len(raw), compressed
}
