package main

// This file is the fork's whole footprint on upstream files, kept as data so
// it can be reviewed at a glance and re-applied to each upstream release.
// Everything else the fork adds lives in whole files under _overlay/. Each
// edit names the commit of the upstream pull request that makes it (Step,
// see series.go).

// replacements are the overlay files that take the place of an upstream file.
// Each records the sha256 of the upstream file it was written against, so
// that an upstream change to that file stops the assembly instead of being
// silently discarded. There are none: the fork removes what it replaces of
// upstream's files declaration by declaration (Replace edits below), so
// that the rest of those files stays upstream's.
var replacements = []Replacement{}

// edits are the changes to upstream files. They only remove the encoder
// cache and the decoders that the overlay replaces, wire the overlay's types
// into upstream's configuration, producer, broker, record batch, fetch
// response and partition consumer, and document the overlay's metrics and
// decompression in the package documentation; the logic stays in the
// overlay.
var edits = []Edit{
	// The pools in place of the encoder cache, for compressions under the
	// broker's lock too.
	{
		File:           "zstd.go",
		Anchor:         Anchor{Import: "runtime"},
		Where:          Replace,
		UpstreamSHA256: "b83dd5913a82d8a691007f7ee185ac68dfe5991b41a3f4a5a6707f66ba980dd6",
		Why:            "the encoder cache's import, unused without it",
		Step:           stepNoWait,
	},
	{
		File:           "zstd.go",
		Anchor:         Anchor{Decl: "zstdAvailableEncoders"},
		Where:          Replace,
		UpstreamSHA256: "3d6b96bc108c81244d3eea3fe460cdfcabcd3b5fdc3e4336b94c2dcfbf097f8d",
		Why:            "the encoder cache gives way to the bounded pools (zstd_pool.go)",
		Step:           stepNoWait,
	},
	{
		File:           "zstd.go",
		Anchor:         Anchor{Decl: "getZstdEncoderChannel"},
		Where:          Replace,
		UpstreamSHA256: "f96b42a3d73f468989d5920615b58e7ae4867565312d6b6c7cc2c4c5e6670ee4",
		Why:            "the encoder cache gives way to the bounded pools",
		Step:           stepNoWait,
	},
	{
		File:           "zstd.go",
		Anchor:         Anchor{Decl: "newZstdEncoder"},
		Where:          Replace,
		UpstreamSHA256: "eb04e1fdd0a3accde79662e76848d84bf856d39753fc52ed88bdaedb936fc6b2",
		Why:            "encoders are built by their pool, with the same options (zstd_pool_key.go)",
		Step:           stepNoWait,
	},
	{
		File:           "zstd.go",
		Anchor:         Anchor{Decl: "getZstdEncoder"},
		Where:          Replace,
		UpstreamSHA256: "ac89363c3e88b4cfa52e29565f7f689cb036251813c7ba91366ab64f50648d71",
		Why:            "the encoder cache gives way to the bounded pools",
		Step:           stepNoWait,
	},
	{
		File:           "zstd.go",
		Anchor:         Anchor{Decl: "releaseEncoder"},
		Where:          Replace,
		UpstreamSHA256: "2913e2c882b9a5ee1b4061a48a09594b29c9f23cdb5f6613f86a4a29bdaa92a8",
		Why:            "the encoder cache gives way to the bounded pools",
		Step:           stepNoWait,
	},
	{
		File:           "zstd.go",
		Anchor:         Anchor{Decl: "zstdCompress"},
		Where:          Replace,
		UpstreamSHA256: "00b5027f7a60148ad66a1a09ff121cb25c0671244bedb52bbd7aa7cd689a85ff",
		Why:            "compress with an encoder of the level's pool, without waiting: this runs under the broker's lock",
		Step:           stepNoWait,
		Code: `// zstdCompress compresses while a request is encoded under its broker's
// lock, so it never waits for an encoder (see zstdEncoderPool.acquire).
func zstdCompress(params ZstdEncoderParams, dst, src []byte) ([]byte, error) {
	return zstdDefaultPool(params.Level).compressNoWait(dst, src)
}
`,
	},
	{
		File:           "zstd_test.go",
		Anchor:         Anchor{Func: "BenchmarkZstdMemoryConsumption", Stmt: Calls("getZstdEncoder")},
		Where:          Replace,
		UpstreamSHA256: "e64d9ed3d988c7057dc3d1a81f50ebddfdd1a04c89156fd453373c72e3a35c19",
		Why:            "the benchmark drains the level's pool instead of the cache, without keeping an encoder out of it",
		Step:           stepNoWait,
		Code: `			if pool, l := zstdDefaultPool(params.Level), (zstdLease{noWait: true}); pool.acquire(&l) == nil {
				pool.release(&l, false)
			}
`,
	},
	{
		File:   "async_producer.go",
		Anchor: Anchor{Func: "(*asyncProducer).newBrokerProducer", Stmt: Defines("request")},
		Where:  After,
		Why:    "compress before AsyncProduce takes the broker's lock, so a wait for an encoder holds up no other request on the connection",
		Step:   stepPool,
		Code: `			compressZstdBatches(request)
`,
	},
	{
		File:   "async_producer.go",
		Anchor: Anchor{Func: "(*asyncProducer).newBrokerProducer", Stmt: Calls("broker.AsyncProduce")},
		Where:  Before,
		Why:    "a set whose broker producer started closing while it waited for an encoder is failed, to be retried as a batch, instead of going out on a reopened connection behind the messages sent back (which reordered messages of producers that are not idempotent)",
		Step:   stepPool,
		Code: `			if bp.stopSending.Load() {
				sendResponse(nil, ErrNotConnected)
				continue
			}
`,
	},
	{
		File:   "async_producer.go",
		Anchor: Anchor{Type: "brokerProducer", Field: []string{"currentRetries"}},
		Where:  After,
		Why:    "the goroutine that sends requests learns that run started closing, and refuses the set it holds",
		Step:   stepPool,
		// After the last field and a blank line, so that gofmt realigns no
		// upstream line around it.
		Code: `
	// stopSending is set with closing: a set whose broker producer started
	// closing while it waited for an encoder is retried as a batch ahead of
	// the messages sent back, not sent on a reopened connection.
	stopSending atomic.Bool
`,
	},
	{
		File:   "async_producer.go",
		Anchor: Anchor{Func: "(*brokerProducer).handleError", Stmt: AssignsTo("bp.closing")},
		Where:  After,
		Why:    "see stopSending",
		Step:   stepPool,
		Code: `		bp.stopSending.Store(true)
`,
	},
	{
		File:           "async_producer.go",
		Anchor:         Anchor{Func: "(*brokerProducer).handleError", Stmt: Calls("bp.broker.Close")},
		Where:          Replace,
		UpstreamSHA256: "8b8156a868a6c890f22876750bacb9c6f05c8f63582f6b6502e1e57f60dc0bc7",
		Why:            "a set refused after closing (stopSending) fails once the client may have reopened the broker for the replacement broker producer: its error must not close that connection",
		Step:           stepPool,
		Code: `		if bp.closing == nil { // a later error must not close a reopened connection
			_ = bp.broker.Close()
		}
`,
	},

	// The producer's limits.
	{
		File:   "config.go",
		Anchor: Anchor{Type: "Config", Field: []string{"Producer", "CompressionLevel"}},
		Where:  After,
		Why:    "the pool limits are producer configuration, next to the codec level they apply to",
		Step:   stepConfig,
		Code: `		// Zstd bounds the zstd encoders that the producers of this process
		// share (see ZstdEncoderPoolConfig). Used when Compression is
		// CompressionZSTD.
		Zstd ZstdEncoderPoolConfig
`,
	},
	{
		File:   "config.go",
		Anchor: Anchor{Func: "(*Config).Validate", Stmt: IfMentions("CompressionZSTD")},
		Where:  After,
		Why:    "reject unusable limits with the other zstd checks",
		Step:   stepConfig,
		Code: `
	if c.Producer.Compression == CompressionZSTD {
		if err := c.Producer.Zstd.validate(); err != nil {
			return err
		}
	}
`,
	},
	{
		File:   "config_test.go",
		Anchor: Anchor{Func: "TestProducerConfigValidates", Stmt: Defines("tests")},
		Where:  AtEnd,
		Why:    "the limits' validation, with the producer's other checks",
		Step:   stepConfig,
		Code: `		{
			"Zstd.MaxInUseEncoders",
			func(cfg *Config) {
				cfg.Version = V2_1_0_0
				cfg.Producer.Compression = CompressionZSTD
				cfg.Producer.Zstd.MaxInUseEncoders = -1
			},
			"Producer.Zstd.MaxInUseEncoders must be >= 0, 0 to follow GOMAXPROCS (got -1)",
		},
		{
			"Zstd.MaxInUseEncoders limit",
			func(cfg *Config) {
				cfg.Version = V2_1_0_0
				cfg.Producer.Compression = CompressionZSTD
				cfg.Producer.Zstd.MaxInUseEncoders = 1<<16 + 1
			},
			"Producer.Zstd.MaxInUseEncoders must be <= 65536 (got 65537)",
		},
		{
			"Zstd.MaxIdleEncoders",
			func(cfg *Config) {
				cfg.Version = V2_1_0_0
				cfg.Producer.Compression = CompressionZSTD
				cfg.Producer.Zstd.MaxIdleEncoders = -1
			},
			"Producer.Zstd.MaxIdleEncoders must be >= 0, 0 to keep as many as may be in use (got -1)",
		},
`,
	},
	{
		File:   "async_producer.go",
		Anchor: Anchor{Type: "asyncProducer", Field: []string{"metricsRegistry"}},
		Where:  After,
		Why:    "each producer holds its handle on the shared pools",
		Step:   stepConfig,
		Code: `	zstd *zstdCompressor // this producer's handle on the shared zstd encoder pools
`,
	},
	{
		File:   "async_producer.go",
		Anchor: Anchor{Func: "newAsyncProducer", Stmt: Defines("p")},
		Where:  After,
		Why:    "the handle is made once per producer; it checks Producer.Zstd, which a producer made from a client never validated",
		Step:   stepConfig,
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
		Step:   stepConfig,
		Code: `	p.zstd.close()
`,
	},
	{
		File:   "record_batch.go",
		Anchor: Anchor{Type: "RecordBatch", Field: []string{"partialSize"}},
		Where:  After,
		Why:    "a batch carries the handle of the producer that built it",
		Step:   stepConfig,
		// A field of its own, after a blank line, so that gofmt realigns no
		// upstream line around it.
		Code: `
	// zstd is the handle of the producer that built the batch; nil
	// compresses with the default pool.
	zstd *zstdCompressor
`,
	},
	{
		File:   "record_batch.go",
		Anchor: Anchor{Func: "(*RecordBatch).encodeRecords", Stmt: Defines("raw")},
		Where:  Before,
		Why:    "zstd batches of a producer are compressed through its pool; under the broker's lock, without waiting, only if compressing them before it failed",
		Step:   stepConfig,
		Code: `	if b.zstd != nil && b.Codec == CompressionZSTD {
		return compressZstdBatch(b, &zstdLease{noWait: true})
	}
`,
	},
	{
		File:   "produce_set.go",
		Anchor: Anchor{Func: "(*produceSet).add", Stmt: Defines("batch")},
		Where:  After,
		Why:    "hand the producer's handle to each new batch",
		Step:   stepConfig,
		Code: `			batch.zstd = ps.parent.zstd
`,
	},

	// The metrics.
	{
		File:   "async_producer.go",
		Anchor: Anchor{Func: "newAsyncProducer", Stmt: Defines("p")},
		Where:  After,
		Why:    "the producer's zstd metrics are registered like its others, through its cleanup registry, which unregisters them when the producer closes",
		Step:   stepMetrics,
		Code: `	p.zstd.registerMetrics(p.metricsRegistry)
`,
	},
	{
		File:   "sarama.go",
		Anchor: Anchor{TableRow: "compression-ratio-for-topic-<topic>"},
		Where:  After,
		Why:    "list the pool's metrics in the package documentation's table of producer metrics",
		Step:   stepMetrics,
		Rows: [][]string{
			{"zstd-encoders-created", "counter", "Number of zstd encoders built to compress the batches of the producers using this registry"},
			{"zstd-encoder-wait-time-in-ms", "histogram", "Distribution of the time in ms their compressions waited for a zstd encoder; its count is the number of waits"},
			{"zstd-encoders-dropped-idle-limit", "counter", "Number of zstd encoders their compressions returned with no room to keep them (Producer.Zstd.MaxIdleEncoders)"},
			{"zstd-encoders-dropped-gomaxprocs", "counter", "Number of zstd encoders their compressions returned above a bound that a smaller GOMAXPROCS lowered"},
			{"zstd-encoders-dropped-failed", "counter", "Number of zstd encoders dropped because their compression panicked"},
			{"zstd-encoders-in-use", "gauge", "Number of zstd encoders compressing now, in the whole process (the same in every registry)"},
			{"zstd-encoders-idle", "gauge", "Number of zstd encoders kept for reuse, in the whole process (the same in every registry)"},
		},
	},

	// Idle release.
	{
		File:   "config.go",
		Anchor: Anchor{Func: "NewConfig", Stmt: AssignsTo("c.Producer.CompressionLevel")},
		Where:  After,
		Why:    "default idle time",
		Step:   stepIdle,
		Code: `	c.Producer.Zstd.MaxIdleTime = zstdDefaultMaxIdleTime
`,
	},
	{
		File:   "config_test.go",
		Anchor: Anchor{Func: "TestProducerConfigValidates", Stmt: Defines("tests")},
		Where:  AtEnd,
		Why:    "the idle time's validation",
		Step:   stepIdle,
		Code: `		{
			"Zstd.MaxIdleTime",
			func(cfg *Config) {
				cfg.Version = V2_1_0_0
				cfg.Producer.Compression = CompressionZSTD
				cfg.Producer.Zstd.MaxIdleTime = 1e6 // 1ms
			},
			"Producer.Zstd.MaxIdleTime must be at least 10ms, or 0 for the default of 1m0s (got 1ms)",
		},
`,
	},

	{
		File:   "sarama.go",
		Anchor: Anchor{TableRow: "compression-ratio-for-topic-<topic>"},
		Where:  After,
		Why:    "list the drops for idle time with the pool's other metrics",
		Step:   stepIdle,
		Rows: [][]string{
			{"zstd-encoders-dropped-idle-time", "counter", "Number of zstd encoders dropped after Producer.Zstd.MaxIdleTime unused, in the whole process (the same in every registry)"},
		},
	},

	// Pooled buffers.
	{
		File:   "record_batch.go",
		Anchor: Anchor{Type: "RecordBatch", Field: []string{"partialSize"}},
		Where:  After,
		Why:    "a producer's batch holds its compressed bytes in a pooled buffer",
		Step:   stepBuffers,
		Code: `
	// zstdBuffer holds compressedRecords of a producer's zstd batch until
	// its request is encoded (releaseZstdBuffers).
	zstdBuffer *zstdBuffer
`,
	},
	{
		File:   "broker.go",
		Anchor: Anchor{Func: "(*Broker).sendInternal", Stmt: Defines("buf")},
		Where:  After,
		Why:    "once a produce request is encoded, its zstd batches' compressed bytes go back to their pool; here, before the request is written, so before any response or retry of the same batch",
		Step:   stepBuffers,
		Code: `	releaseZstdBuffers(rb)
`,
	},

	// Decoders that allocate what a frame decodes to, not what it claims,
	// and a consumer that goes on after a batch it cannot decompress (the
	// fork's; not in the pull request yet, see series.go).
	{
		File:   "record_batch.go",
		Anchor: Anchor{Func: "(*RecordBatch).decode", Stmt: AssignsTo("recBuffer")},
		Where:  After,
		Step:   stepDecoder,
		Why:    "a batch that cannot be decompressed is told apart from other decoding errors, with its offsets",
		Code: `	err = batchDecompressionError(b, err)
`,
	},
	{
		File:   "fetch_response.go",
		Anchor: Anchor{Type: "FetchResponseBlock", Field: []string{"partialBatchSize"}},
		Where:  After,
		Step:   stepDecoder,
		Why:    "the block carries the batch that could not be decompressed",
		Code: `
	// DecompressionErr is the record batch at which decoding the block
	// stopped because it could not be decompressed; the batches before it
	// are in RecordsSet. Nil if there was none.
	DecompressionErr *BatchDecompressionError
`,
	},
	{
		File:   "fetch_response.go",
		Anchor: Anchor{Func: "(*FetchResponseBlock).decode", Stmt: IfMentions("ErrInsufficientData")},
		Where:  Before,
		Step:   stepDecoder,
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
		Step:   stepDecoder,
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
		Step:   stepFork,
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
		File:           "zstd.go",
		Anchor:         Anchor{Decl: "ZstdDecoderParams"},
		Where:          Replace,
		UpstreamSHA256: "b60a7b86ac007357fd4f31dc141b076a22961dd4dcf2465e68337cdc69fa853e",
		Why:            "decoders are the overlay's (zstd_decoder.go)",
		Step:           stepDecoder,
	},
	{
		File:           "zstd.go",
		Anchor:         Anchor{Decl: "zstdDecMap"},
		Where:          Replace,
		UpstreamSHA256: "fc8ef18cc9a199e36a096526bc739a30b08c51c303259fea08a55c00ba29cde4",
		Why:            "decoders are the overlay's",
		Step:           stepDecoder,
	},
	{
		File:           "zstd.go",
		Anchor:         Anchor{Decl: "zstdDecoderKey"},
		Where:          Replace,
		UpstreamSHA256: "8a2d46c45695a33c0a76aeb67fb5cb8030ff495bed11d4f0beba917d5a2b380b",
		Why:            "decoders are the overlay's",
		Step:           stepDecoder,
	},
	{
		File:           "zstd.go",
		Anchor:         Anchor{Decl: "getDecoder"},
		Where:          Replace,
		UpstreamSHA256: "b76b91baabdac3dca6386784efb90d9edfa37f03a74f34327e766ebd128f370c",
		Why:            "decoders are the overlay's",
		Step:           stepDecoder,
	},
	{
		File:           "zstd.go",
		Anchor:         Anchor{Decl: "zstdDecompress"},
		Where:          Replace,
		UpstreamSHA256: "293f22c5dbec0150bc16918817393381423d815008cb5399a9adcd9df7abfb09",
		Why:            "decoders are the overlay's",
		Step:           stepDecoder,
	},
	{
		File:           "zstd.go",
		Anchor:         Anchor{Import: "sync"},
		Where:          Replace,
		UpstreamSHA256: "226f37da536b12b86af70e3b5777877ac58882a6b0e30be1d9fc591badf849e2",
		Why:            "the decoders' import, unused without them",
		Step:           stepDecoder,
	},
	{
		File:           "zstd.go",
		Anchor:         Anchor{Import: "github.com/klauspost/compress/zstd"},
		Where:          Replace,
		UpstreamSHA256: "e7fd0f8bed6ebaed8f2901af037e067227cdfe99b27947ffd3abdd840828c9fb",
		Why:            "the decoders' import, unused without them",
		Step:           stepDecoder,
	},
}
