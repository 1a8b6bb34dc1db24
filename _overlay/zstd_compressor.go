package sarama

import (
	"fmt"
	"github.com/klauspost/compress/zstd"
	"iter"
)

// zstdCompressor is a producer's handle on the process-wide zstd encoder
// pools: the pool of its configuration, held from the producer's start to
// its close, and the metrics of its registry. Compression runs while a
// request is being prepared, where the packet encoder carries no registry;
// the handle travels with each record batch instead, so every encoder built
// and every wait is counted once, for the producer whose batch caused it.
type zstdCompressor struct {
	pool    *zstdEncoderPool
	metrics *zstdMetricSet
}

// newZstdCompressor returns the handle for a producer, or nil if the
// producer does not compress with zstd. It checks Producer.Zstd itself: a
// producer made from a client whose Config changed after NewClient was
// never validated, and an unusable limit must not reach a pool.
func newZstdCompressor(conf *Config) (*zstdCompressor, error) {
	if conf.Producer.Compression != CompressionZSTD {
		return nil, nil
	}
	if err := conf.Producer.Zstd.validate(); err != nil {
		return nil, err
	}
	key := newZstdPoolKey(conf.Producer.CompressionLevel, conf.Producer.MaxMessageBytes, conf.Producer.Zstd)
	m := acquireZstdMetricSet(conf.MetricRegistry)
	return &zstdCompressor{pool: acquireZstdPool(key, m), metrics: m}, nil
}

// close releases the producer's pool and metrics; the producer calls it once
// it has stopped compressing. A nil handle does nothing.
func (c *zstdCompressor) close() {
	if c == nil {
		return
	}
	releaseZstdPool(c.pool, c.metrics)
	c.metrics.release()
}

// compress compresses a record batch's records, appending to dst, waiting
// for an encoder if need be. Batches carry the producer's level; one at a
// level of another encoder (set by hand on a batch) uses the default pool
// of that level, without waiting.
func (c *zstdCompressor) compress(level int, dst, src []byte) ([]byte, error) {
	pool, wait := c.poolFor(level, true)
	return pool.compress(c.metrics, wait, dst, src, (*zstd.Encoder).EncodeAll)
}

// poolFor returns the pool of a batch's level, and whether a compression
// there may wait.
func (c *zstdCompressor) poolFor(level int, wait bool) (*zstdEncoderPool, bool) {
	if zstdSpeed(level) != c.pool.key.speed {
		return zstdDefaultPool(level), false
	}
	return c.pool, wait
}

// encodeRecords encodes a batch's records and compresses them, both into
// pooled buffers: the uncompressed records go back as soon as they are
// compressed; the compressed bytes stay with the batch (b.zstdBuffer) until
// releaseZstdBuffers, once the request that carries them is encoded. The
// encoder comes first, so that a batch waiting for one holds no buffer.
//
// It does what RecordBatch.encodeRecords does for the other codecs, with
// buffers of its own instead of the heap's. compressRequest calls it for
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

// compressRequest compresses the zstd record batches of a produce request
// before the request is sent. Encoding a request holds its broker's lock,
// and a compression may wait for an encoder that other producers of the
// process hold; done here, the wait holds up this producer's requests to
// that broker only, not the metadata, fetch or transaction requests that
// share the connection. A batch keeps its compressed records, which the
// request's encoding then uses. A batch that fails here stays uncompressed,
// and encoding the request tries again and reports the error.
func (c *zstdCompressor) compressRequest(req *ProduceRequest) {
	if c == nil {
		return
	}
	for b := range zstdBatches(req) {
		if b.compressedRecords == nil {
			_ = c.encodeRecords(b, true)
		}
	}
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

// zstdBatches returns the record batches of req that a producer's
// zstdCompressor compresses.
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
