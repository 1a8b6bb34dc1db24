package sarama

// compressZstdRequest compresses the zstd record batches of a produce
// request that a producer built, in the goroutine that sends its requests
// to the broker, before the request is sent (compressZstdBatches).
//
// While the set waits here for an encoder, its broker producer may start
// closing (a connection error): the messages behind the set then go back
// through their partition producers, to be sent again, and the broker may
// be reopened. If the set then goes out on the new connection and fails
// with a retriable error, retrying its messages through the partition
// producers would put them behind those: out of order. Such a set is
// marked resent, as the broker producer marks the set it holds when it
// starts closing, so that it is retried as a batch, ahead of them.
func compressZstdRequest(bp *brokerProducer, set *produceSet, req *ProduceRequest) {
	compressZstdBatches(req)
	if bp.zstdClosing.Load() {
		set.resent = true
	}
}

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
