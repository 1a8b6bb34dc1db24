package sarama

// compressZstdBatches compresses the zstd record batches of a produce
// request that a producer built, before the request is sent. Encoding a
// request holds its broker's lock, and a compression may wait for an
// encoder that other compressions of the process hold; done here, the wait
// holds up this producer's requests to that broker only, not the metadata,
// fetch or transaction requests that share the connection. A batch keeps
// its compressed records, which the request's encoding then uses. A batch
// that fails here stays uncompressed: encoding the request tries again,
// without waiting, and reports the error.
func compressZstdBatches(req *ProduceRequest) {
	for _, partitions := range req.records {
		for _, records := range partitions {
			if b := records.RecordBatch; b != nil && b.Codec == CompressionZSTD && b.compressedRecords == nil {
				_ = compressZstdBatch(b, true)
			}
		}
	}
}

// compressZstdBatch encodes a batch's records and compresses them with an
// encoder of the default pool of its level, waiting for one if wait is set
// (see zstdEncoderPool.acquire).
func compressZstdBatch(b *RecordBatch, wait bool) error {
	pool := zstdDefaultPool(b.CompressionLevel)
	// A producer's batch, with the pool of the producer's settings.
	if b.zstd != nil {
		pool = b.zstd.pool
	}
	var l zstdLease
	if b.zstd != nil {
		l.metrics = b.zstd.metrics
	}
	if err := pool.acquire(&l, wait); err != nil {
		return err
	}
	done := false
	defer func() { pool.release(&l, done) }()
	// A producer's batch is encoded and compressed into pooled buffers
	// (zstd_batch.go).
	if b.zstd != nil {
		err := compressZstdBatchBuffers(b, l.enc)
		done = true
		return err
	}
	raw, err := encode(recordsArray(b.Records), nil)
	if err == nil {
		b.recordsLen, b.compressedRecords = len(raw), l.enc.EncodeAll(raw, nil)
	}
	done = true
	return err
}

// zstdSendRefused reports whether the goroutine that sends a broker
// producer's requests must fail the set it holds instead of sending it:
// the broker producer has started closing (a connection error,
// zstdClosing) since the set was handed over, which a wait for an encoder
// in compressZstdBatches makes likely. The broker producer has sent the
// messages behind the set back through their partition producers, and the
// client may have reopened the broker. Sent on the new connection, the set
// could fail with a retriable error (NOT_LEADER_OR_FOLLOWER after a leader
// move) and, for a producer that is not idempotent, have its messages
// retried through the partition producers too, behind those: out of order.
// Failed here with ErrNotConnected, as AsyncProduce fails a request to a
// closed broker, it is retried as a batch, ahead of them, as the requests
// that failed with the connection are.
func zstdSendRefused(bp *brokerProducer) bool {
	return bp.zstdClosing.Load()
}
