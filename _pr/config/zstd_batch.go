package sarama

// encodeRecords encodes a producer's batch's records and compresses them
// with the producer's pool, as RecordBatch.encodeRecords does for the other
// codecs. compressZstdBatches calls it before the broker's lock is taken;
// RecordBatch.encodeRecords calls it with wait false, under the lock, only
// for a batch whose compression failed there.
func (c *zstdCompressor) encodeRecords(b *RecordBatch, wait bool) error {
	raw, err := encode(recordsArray(b.Records), nil)
	if err != nil {
		return err
	}
	b.recordsLen = len(raw)
	pool, wait := c.poolFor(b.CompressionLevel, wait)
	if wait {
		b.compressedRecords, err = pool.encode(c.metrics, nil, raw)
	} else {
		b.compressedRecords, err = pool.encodeNoWait(c.metrics, nil, raw)
	}
	return err
}
