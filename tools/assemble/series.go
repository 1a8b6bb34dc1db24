package main

// The stack of upstream pull requests (stack.go): each step is one pull
// request, made on the one before it unless it is OnUpstream, or a slot of
// what the fork carries and upstream should not get. Every file of
// _overlay/ belongs to the step that first brings it; a later step adds to
// it only the parts it lists. The texts of each pull request are
// prtext/<step ID>.md.

// Step IDs, used by Edit.Step.
const (
	stepPool    = "pool"
	stepConfig  = stepPool
	stepMetrics = stepPool
	stepIdle    = stepPool
	stepBuffers = stepPool
	stepDecoder = "decoder"
	stepFork    = "fork"
)

// prSteps are the pull requests, in order, and the slots.
var prSteps = []prStep{
	{
		ID:      stepPool,
		Slug:    "bound-encoders",
		Subject: "perf(zstd): bound the encoders in use with a shared, lazily built pool",
		Body: `The encoder cache keeps up to GOMAXPROCS idle encoders per level but does
not bound the encoders in use: when more goroutines compress at once than
encoders are idle, each of them builds one (#2965).`,
		Overlay: []string{
			"zstd_pool.go", "zstd_pools.go", "zstd_pool_key.go", "zstd_metrics.go", "zstd_reaper.go",
			"zstd_producer.go", "zstd_compressor.go", "zstd_config.go", "zstd_batch.go", "zstd_buffers.go",
		},
		API: []string{"Config.Producer.Zstd", "ZstdEncoderPoolConfig", "ZstdEncoderPoolConfig.MaxIdleEncoders",
			"ZstdEncoderPoolConfig.MaxIdleTime", "ZstdEncoderPoolConfig.MaxInUseEncoders"},
		Bench: prBench{Regexp: "BenchmarkZstdMemoryConsumption"},
		Why:   "the bound, the knobs, the metrics, idle release and pooled buffers, before the stack is cut",
	},
	{
		ID:         stepDecoder,
		Slug:       "decode-what-frames-hold",
		Subject:    "fix(zstd): decode what a frame holds, not what it claims",
		OnUpstream: true,
		Overlay:    []string{"zstd_decoder.go", "batch_decompression.go"},
		API: []string{"BatchDecompressionError", "BatchDecompressionError.Codec", "BatchDecompressionError.Err", "BatchDecompressionError.Error",
			"BatchDecompressionError.FirstOffset", "BatchDecompressionError.LastOffset", "BatchDecompressionError.Unwrap", "ErrMalformedZstdFrame",
			"FetchResponseBlock.DecompressionErr"},
		Why: "the decoders, independent of the encoder pool",
	},
	{
		ID:   stepFork,
		Slot: true,
		Overlay: []string{
			"zstd_poison_on.go", "zstd_poison_off.go", "zstd_poison_test.go",
			"batch_decompression_test.go", "zstd_bench_test.go", "zstd_buffers_test.go", "zstd_compressor_test.go",
			"zstd_cputime_other_test.go", "zstd_cputime_unix_test.go", "zstd_decoder_test.go", "zstd_encoder_test.go",
			"zstd_helpers_test.go", "zstd_norace_test.go", "zstd_pool_test.go", "zstd_race_test.go",
			"zstd_reaper_test.go", "zstd_roundtrip_test.go",
		},
		Parts: []prPart{
			{File: "zstd_buffers.go", Anchor: Anchor{Func: "putZstdBuffer", Stmt: IfMentions("zstdPoisonBuffers")}},
		},
		Why: "the fork's own tests, and the zstdpoison build tag that overwrites released buffers in them",
	},
}
