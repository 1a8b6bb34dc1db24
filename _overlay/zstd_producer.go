package sarama

// compressZstdRequest compresses the zstd record batches of a produce
// request that a producer built, in the goroutine that sends its requests to
// the broker, before the request is sent. Encoding a request holds its
// broker's lock, and a compression may wait for an encoder that other
// producers of the process hold; done here, the wait holds up this
// producer's requests to that broker only, not the metadata, fetch or
// transaction requests that share the connection. A batch keeps its
// compressed records, which the request's encoding then uses. A batch that
// fails here stays uncompressed, and encoding the request tries again,
// without waiting, and reports the error.
//
// While the set waits here, its broker producer may start closing (a
// connection error): the messages behind the set then go back through their
// partition producers, to be sent again, and the broker may be reopened. If
// the set then goes out on the new connection and fails with a retriable
// error, retrying its messages through the partition producers would put
// them behind those: out of order. Such a set is marked resent, as the
// broker producer marks the set it holds when it starts closing, so that it
// is retried as a batch, ahead of them.
func compressZstdRequest(bp *brokerProducer, set *produceSet, req *ProduceRequest) {
	compressZstdBatches(req)
	if bp.zstdClosing.Load() {
		set.resent = true
	}
}

// compressZstdBatches compresses the zstd batches of req that are not
// compressed yet, waiting for an encoder if need be.
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
