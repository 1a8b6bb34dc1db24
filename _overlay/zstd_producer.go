package sarama

// compressZstdBatches compresses a producer's request's zstd batches before
// Broker.AsyncProduce takes the broker's lock: a wait for an encoder holds
// up no other request on the connection. A batch that failed here is
// compressed again under the lock, without waiting, and reports the error.
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
