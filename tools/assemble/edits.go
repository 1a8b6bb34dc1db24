package main

// This file is the fork's whole footprint on upstream files, kept as data so
// it can be reviewed at a glance and re-applied to each upstream release.
// Everything else the fork adds lives in whole files under _overlay/.

// replacements are the overlay files that take the place of an upstream file.
// Each records the sha256 of the upstream file it was written against, so
// that an upstream change to that file stops the assembly instead of being
// silently discarded.
var replacements = []Replacement{
	{
		File:           "zstd.go",
		UpstreamSHA256: "99ee2011a4edf55b64cd077bf75c49e10c58500d5b86def58bcb7ca3c53a7b8c",
		Why:            "the bounded encoder pool replaces upstream's per-level encoder cache",
	},
	{
		File:           "zstd_test.go",
		UpstreamSHA256: "1368235ec87e5fac703e656ed69486a8882763b1143a47dccd0f0dbbba673091",
		Why:            "upstream's benchmark drives the encoder cache that zstd.go no longer has; the pool's tests and benchmarks take its place",
	},
}

// edits are the insertions into upstream files. They only wire the overlay's
// types into upstream's configuration, producer, record batch, fetch
// response and partition consumer, and document the overlay's metrics and
// decompression in the package documentation; the logic stays in the
// overlay.
var edits = []Edit{
	{
		File:   "config.go",
		Anchor: Anchor{Type: "Config", Field: []string{"Producer", "CompressionLevel"}},
		Where:  After,
		Why:    "the pool limits are producer configuration, next to the codec level they apply to",
		Code: `		// Zstd bounds the zstd encoders that the producers of this process
		// share (see ZstdEncoderPoolConfig). Used when Compression is
		// CompressionZSTD.
		Zstd ZstdEncoderPoolConfig
`,
	},
	{
		File:   "config.go",
		Anchor: Anchor{Func: "NewConfig", Stmt: AssignsTo("c.Producer.CompressionLevel")},
		Where:  After,
		Why:    "default limits",
		Code: `	c.Producer.Zstd = newZstdEncoderPoolConfig()
`,
	},
	{
		File:   "config.go",
		Anchor: Anchor{Func: "(*Config).Validate", Stmt: IfMentions("CompressionZSTD")},
		Where:  After,
		Why:    "reject unusable limits with the other zstd checks",
		Code: `
	if c.Producer.Compression == CompressionZSTD {
		if err := c.Producer.Zstd.validate(); err != nil {
			return err
		}
	}
`,
	},
	{
		File:   "async_producer.go",
		Anchor: Anchor{Type: "asyncProducer", Field: []string{"metricsRegistry"}},
		Where:  After,
		Why:    "each producer holds its handle on the shared pools",
		Code: `	zstd *zstdCompressor // this producer's handle on the shared zstd encoder pools
`,
	},
	{
		File:   "async_producer.go",
		Anchor: Anchor{Func: "newAsyncProducer", Stmt: Defines("p")},
		Where:  After,
		Why:    "the handle is made once per producer; it checks Producer.Zstd, which a producer made from a client never validated",
		Code: `	if p.zstd, err = newZstdCompressor(p.conf); err != nil {
		return nil, err
	}
`,
	},
	{
		File:   "async_producer.go",
		Anchor: Anchor{Func: "(*asyncProducer).shutdown", Stmt: Calls("p.inFlight.Wait")},
		Where:  After,
		Why:    "a closed producer stops holding its pool and its registry's zstd metrics once its last message is done, before Close returns",
		Code: `	p.zstd.close()
`,
	},
	{
		File:   "async_producer.go",
		Anchor: Anchor{Func: "(*asyncProducer).newBrokerProducer", Stmt: Defines("request")},
		Where:  After,
		Why:    "compress before AsyncProduce takes the broker's lock, so a wait for an encoder holds up no other request on the connection",
		Code: `			p.zstd.compressRequest(request)
`,
	},
	{
		File:   "broker.go",
		Anchor: Anchor{Func: "(*Broker).sendInternal", Stmt: Defines("buf")},
		Where:  After,
		Why:    "once a produce request is encoded, its zstd batches' compressed bytes go back to their pool; here, before the request is written, so before any response or retry of the same batch",
		Code: `	releaseZstdBuffers(rb)
`,
	},
	{
		File:   "record_batch.go",
		Anchor: Anchor{Type: "RecordBatch", Field: []string{"partialSize"}},
		Where:  After,
		Why:    "a batch carries the handle of the producer that built it",
		// A field of its own, after a blank line, so that gofmt realigns no
		// upstream line around it.
		Code: `
	// zstd is the handle of the producer that built the batch; nil
	// compresses with the default pool. zstdBuffer holds
	// compressedRecords until the producer releases it.
	zstd       *zstdCompressor
	zstdBuffer *zstdBuffer
`,
	},
	{
		File:   "record_batch.go",
		Anchor: Anchor{Func: "(*RecordBatch).encodeRecords", Stmt: Defines("raw")},
		Where:  Before,
		Why:    "zstd batches of a producer are encoded and compressed into pooled buffers, through its bounded encoder pool",
		Code: `	if b.zstd != nil && b.Codec == CompressionZSTD {
		return b.zstd.encodeRecords(b, false)
	}
`,
	},
	{
		File:   "produce_set.go",
		Anchor: Anchor{Func: "(*produceSet).add", Stmt: Defines("batch")},
		Where:  After,
		Why:    "hand the producer's handle to each new batch",
		Code: `			batch.zstd = ps.parent.zstd
`,
	},
	{
		File:   "record_batch.go",
		Anchor: Anchor{Func: "(*RecordBatch).decode", Stmt: AssignsTo("recBuffer")},
		Where:  After,
		Why:    "a batch that cannot be decompressed is told apart from other decoding errors, with its offsets",
		Code: `	err = batchDecompressionError(b, err)
`,
	},
	{
		File:   "fetch_response.go",
		Anchor: Anchor{Type: "FetchResponseBlock", Field: []string{"partialBatchSize"}},
		Where:  After,
		Why:    "the block carries the batch that could not be decompressed",
		Code: `
	// DecompressionErr is the record batch at which decoding the block
	// stopped because it could not be decompressed (sarama-zstd); the
	// batches before it are in RecordsSet. Nil if there was none.
	DecompressionErr *BatchDecompressionError
`,
	},
	{
		File:   "fetch_response.go",
		Anchor: Anchor{Func: "(*FetchResponseBlock).decode", Stmt: IfMentions("ErrInsufficientData")},
		Where:  Before,
		Why:    "such a batch ends its partition's block instead of failing the whole response",
		Code: `			if b.keepDecompressionError(err) {
				break
			}
`,
	},
	{
		File:   "consumer.go",
		Anchor: Anchor{Func: "(*partitionConsumer).parseResponse", Stmt: IfMentions("nRecs")},
		Where:  Before,
		Why:    "the partition consumer reports such a batch and goes on after it",
		Code: `	if child.skipUndecompressibleBatch(block, nRecs) {
		return nil, nil
	}
`,
	},
	{
		File:   "sarama.go",
		Anchor: Anchor{Var: "MaxDecompressedBatchSize"},
		Where:  DocEnd,
		Why:    "say what the fork changes in decompression, where the bound is documented",
		Code: `	//
	// In sarama-zstd, whatever this bound, the content size a zstd frame
	// declares no longer decides what is allocated: a frame whose blocks
	// cannot hold what it declares is refused before decoding, and a claim
	// over 1 MiB is checked against the bytes decoded instead of allocated
	// up front. The default of 0 still lets a valid batch inflate as far as
	// its data does: zstd reaches some 32000:1, 32 GiB from a 1 MiB batch.
	// If producers you do not trust write the topics you consume, set a
	// bound larger than any batch your producers write. A partition
	// consumer reports a batch it cannot decompress, or one over the bound,
	// on Errors() as a ConsumerError wrapping a *BatchDecompressionError,
	// and goes on after it: that batch is not delivered.
`,
	},
	{
		File:   "sarama.go",
		Anchor: Anchor{TableRow: "compression-ratio-for-topic-<topic>"},
		Where:  After,
		Why:    "list the pool's metrics in the package documentation's table of producer metrics",
		Rows: [][]string{
			{"zstd-encoders-created", "counter", "Number of zstd encoders built to compress the batches of the producers using this registry"},
			{"zstd-encoders-dropped", "counter", "Number of zstd encoders dropped from the pools those producers use: idle past Producer.Zstd.MaxIdleTime, beyond MaxIdleEncoders, or above a GOMAXPROCS that shrank"},
			{"zstd-encoder-wait-time-in-us", "histogram", "Distribution of the time in microseconds their compressions waited for a free zstd encoder; its count is the number of waits"},
			{"zstd-encoder-wait-time-total-in-ns", "counter", "Total time in nanoseconds their compressions waited for a free zstd encoder; its rate is the share of time spent waiting"},
			{"zstd-encoders-in-use", "gauge", "Number of zstd encoders compressing now, summed over the pools those producers use (shared with other producers of the same settings)"},
			{"zstd-encoders-idle", "gauge", "Number of zstd encoders kept for reuse in those pools"},
		},
	},
}
