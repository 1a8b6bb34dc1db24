package sarama

// compressZstdBatches compresses a producer's request's zstd batches
// before Broker.AsyncProduce takes the broker's lock to encode it: a wait
// for an encoder then holds up no other request on the connection. The
// encoding uses the compressed records; a batch that failed here is
// compressed there again, without waiting, and reports the error.
func compressZstdBatches(req *ProduceRequest) {
	for _, partitions := range req.records {
		for _, records := range partitions {
			if b := records.RecordBatch; b != nil && b.Codec == CompressionZSTD && b.compressedRecords == nil {
				_ = compressZstdBatch(b, &zstdLease{})
			}
		}
	}
}

// compressZstdBatch encodes a batch's records and compresses them with an
// encoder of its level's default pool, lent to l.
func compressZstdBatch(b *RecordBatch, l *zstdLease) error {
	pool := zstdDefaultPool(b.CompressionLevel)
	// A producer's batch, with the pool of the producer's settings.
	if b.zstd != nil {
		pool = b.zstd.pool
	}
	if b.zstd != nil {
		l.metrics = b.zstd.metrics
	}
	if err := pool.acquire(l); err != nil {
		return err
	}
	done := false
	defer func() { pool.release(l, done) }()
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
