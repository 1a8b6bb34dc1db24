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
	if wait {
		b.compressedRecords, err = c.compress(b.CompressionLevel, nil, raw)
		return err
	}
	pool, _ := c.poolFor(b.CompressionLevel, false)
	b.compressedRecords, err = pool.encodeNoWait(c.metrics, nil, raw)
	return err
}
