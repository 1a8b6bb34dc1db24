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
	stepNoWait  = "nowait"
	stepConfig  = "config"
	stepMetrics = "metrics"
	stepWindow  = "window"
	stepIdle    = "idle"
	stepBuffers = "buffers"
	stepDecoder = "decoder"
	stepFork    = "fork"
)

// part is a piece of an overlay file a step adds, named by anchor.
func part(file string, a Anchor) prPart { return prPart{File: file, Anchor: a} }

// stmt names a statement of a function.
func stmt(fn string, m *StmtMatch) Anchor { return Anchor{Func: fn, Stmt: m} }

// field names a field of a struct type.
func field(typ string, path ...string) Anchor { return Anchor{Type: typ, Field: path} }

// prSteps are the pull requests, in order, and the slots.
var prSteps = []prStep{
	{
		ID:      stepPool,
		Slug:    "bound-encoders",
		Subject: "perf(zstd): bound the encoders producers use at GOMAXPROCS",
		Body: `The encoder cache keeps up to GOMAXPROCS idle encoders per level but does
not bound the encoders in use: a compression that finds none idle builds
one, and one returned to a full cache is dropped. A process with many
producers compresses from many more goroutines than it has CPUs, so it
builds and collects encoders as it compresses (#2965).

Producers' compressions now take encoders from a pool per klauspost
encoder level, which lends at most GOMAXPROCS at a time, following
GOMAXPROCS as the runtime changes it. Encoders are built lazily and
reused; a compression that finds every encoder lent waits for one, in
arrival order. Nothing changes in the API.

Because a compression may now wait, producers compress a request's zstd
batches before Broker.AsyncProduce takes the broker's lock: a wait holds
up that producer's requests only. A set whose broker producer started
closing meanwhile is failed and retried as a batch, as requests that
failed with the connection are, so that messages keep their order; with
every codec, as the gap exists for all. A broker producer closes its
broker on its first error only: a later one, such as a refused set's,
may come once the client reopened the broker for its replacement.

Compressions that still run under the lock (requests sent with
Broker.Produce, a batch whose compression failed before it) keep using
the encoder cache, which never waits.`,
		Overlay: []string{"zstd_pool.go", "zstd_pools.go", "zstd_pool_key.go", "zstd_producer.go",
			"zstd_pool_bound_test.go", "zstd_producer_test.go", "zstd_producers_bench_test.go"},
		Bench: prBench{Files: []string{"zstd_producers_bench_test.go"}, Regexp: "BenchmarkZstdManyProducers", Suite: true},
		Why:   "producers' encoders in use bounded at GOMAXPROCS, built lazily, FIFO waits, compression before the broker's lock with the order of retries kept, compressions under it never waiting (on the encoder cache); no new API",
	},
	{
		ID:      stepNoWait,
		Slug:    "zstd-no-wait-pools",
		Subject: "perf(zstd): compress under the broker's lock with the bounded pools",
		Body: `Compressions that run while a request is encoded under its broker's
lock (zstdCompress: requests built without a producer and sent with
Broker.Produce, a producer's batch whose compression before the lock
failed) still used the encoder cache. They now use the pools too, so that
the process keeps one set of encoders per level. They must not wait for
encoders that other producers hold: when every encoder of the pool is
lent they take one outside the bound, the pool's spare, kept for the next
such compression, or one built for them alone, as the cache did whenever
it was empty. The cache is gone.`,
		Overlay: []string{"zstd_nowait.go", "zstd_nowait_test.go"},
		Parts: []prPart{
			part("zstd_pool.go", field("zstdEncoderPool", "spare")),
			part("zstd_pool.go", field("zstdLease", "noWait")),
			part("zstd_pool.go", field("zstdLease", "outside")),
			part("zstd_pool.go", stmt("(*zstdEncoderPool).acquire", IfMentions("noWait"))),
			part("zstd_pool.go", stmt("(*zstdEncoderPool).build", IfMentions("outside"))),
			part("zstd_pool.go", stmt("(*zstdEncoderPool).release", IfMentions("outside"))),
		},
		Bench: prBench{Regexp: "BenchmarkZstdMemoryConsumption"},
		Why:   "the compressions under a broker's lock use the pools too, never waiting, with a spare encoder outside the bound; the encoder cache goes",
	},
	{
		ID:      stepConfig,
		Slug:    "zstd-limits",
		Subject: "feat(config): add Producer.Zstd limits for the encoder pools",
		Body: `Config.Producer.Zstd sets a producer's MaxInUseEncoders and
MaxIdleEncoders; 0, the default of both, keeps the bound at GOMAXPROCS.
Producers configured alike share one pool and one bound, however many
there are; a producer holds its pool from its start to its close.
Config.Validate rejects negative limits and limits above 65536.`,
		Overlay: []string{"zstd_config.go", "zstd_compressor.go", "zstd_limits_test.go"},
		Parts: []prPart{
			part("zstd_pool.go", field("zstdEncoderPool", "key")),
			part("zstd_pool.go", field("zstdEncoderPool", "refs")),
			part("zstd_pool.go", stmt("newZstdEncoderPool", AssignsTo("p.key"))),
			part("zstd_pool.go", stmt("(*zstdEncoderPool).bound", IfMentions("maxInUse"))),
			part("zstd_pool.go", stmt("(*zstdEncoderPool).putLocked", IfMentions("maxIdle"))),
			part("zstd_pool_key.go", field("zstdPoolKey", "maxInUse")),
			part("zstd_pool_key.go", field("zstdPoolKey", "maxIdle")),
			part("zstd_pool_key.go", Anchor{Decl: "zstdProducerPoolKey"}),
			part("zstd_producer.go", stmt("compressZstdBatch", IfWith(AssignsTo("pool")))),
		},
		API:   []string{"Config.Producer.Zstd", "ZstdEncoderPoolConfig", "ZstdEncoderPoolConfig.MaxIdleEncoders", "ZstdEncoderPoolConfig.MaxInUseEncoders"},
		Bench: prBench{After: "BenchmarkZstdLimits"},
		Why:   "the bound and the idle limit as producer configuration, for the processes the defaults do not fit",
	},
	{
		ID:      stepMetrics,
		Slug:    "zstd-metrics",
		Subject: "feat(metrics): report zstd encoders built, dropped and waits",
		Body: `A producer registers zstd-encoders-created, the encoders dropped by
reason and zstd-encoder-wait-time-in-ms through its cleanup registry, as
its other metrics, with the process's zstd-encoders-in-use and
zstd-encoders-idle gauges; they are listed in the package documentation.
They tell an operator whether the limits matter: encoders built after
warm-up mean the idle limit is too low, waits that the bound is.`,
		Overlay: []string{"zstd_metrics.go", "zstd_metrics_test.go"},
		Parts: []prPart{
			part("zstd_pool.go", field("zstdLease", "metrics")),
			part("zstd_pool.go", stmt("(*zstdEncoderPool).acquire", Defines("start"))),
			part("zstd_pool.go", stmt("(*zstdEncoderPool).acquire", Calls("l.metrics.waited"))),
			part("zstd_pool.go", stmt("(*zstdEncoderPool).build", Calls("l.metrics.built"))),
			part("zstd_pool.go", stmt("(*zstdEncoderPool).release", Mentions("zstdDropFailed"))),
			part("zstd_nowait.go", stmt("(*zstdEncoderPool).keepSpareLocked", Mentions("zstdDropIdleLimit"))),
			part("zstd_pool.go", stmt("(*zstdEncoderPool).putLocked", Mentions("zstdDropGOMAXPROCS"))),
			part("zstd_pool.go", stmt("(*zstdEncoderPool).putLocked", Mentions("zstdDropIdleLimit"))),
			part("zstd_compressor.go", field("zstdCompressor", "metrics")),
			part("zstd_producer.go", stmt("compressZstdBatch", IfWith(AssignsTo("l.metrics")))),
		},
		Bench: prBench{Regexp: "BenchmarkZstdManyProducers"},
		Why:   "the metrics that tell whether a limit matters, named and registered as the producer's others",
	},
	{
		ID:      stepWindow,
		Slug:    "zstd-windows",
		Subject: "perf(zstd): size encoder windows to Producer.MaxMessageBytes",
		Body: `Encoders had klauspost/compress's default 8 MiB window and buffers to
match, whatever the batch. A batch is bounded by Producer.MaxMessageBytes,
and zstd gains nothing from a window larger than its input: encoders now
take the smallest power of two that holds MaxMessageBytes (64 KiB to
8 MiB) and the lower-memory mode. A batch within the window compresses to
the same bytes as before.`,
		Overlay: []string{"zstd_window.go", "zstd_window_test.go", "zstd_window_bench_test.go"},
		Parts: []prPart{
			part("zstd_pool_key.go", field("zstdPoolKey", "window")),
			part("zstd_pool_key.go", stmt("zstdDefaultPoolKey", AssignsTo("k.window"))),
			part("zstd_pool_key.go", stmt("zstdProducerPoolKey", AssignsTo("k.window"))),
			part("zstd_pool_key.go", stmt("(zstdPoolKey).encoderOptions", AssignsTo("opts"))),
		},
		Bench: prBench{Files: []string{"zstd_window_bench_test.go"}, Regexp: "BenchmarkZstdEncoderMemory"},
		Why:   "less memory per encoder for the same bytes",
	},
	{
		ID:      stepIdle,
		Slug:    "zstd-idle-release",
		Subject: "feat(zstd): release encoders that stay idle",
		Body: `An encoder that no compression needed for Producer.Zstd.MaxIdleTime
(one minute by default) is dropped, so that a process whose load falls
gives the memory back; the bound does not change. A timer runs only while
a pool keeps idle encoders. A pool no producer uses is freed once its idle
encoders are gone.`,
		Overlay: []string{"zstd_idle.go", "zstd_idle_test.go", "zstd_idle_bench_test.go", "zstd_helpers_test.go"},
		Parts: []prPart{
			part("zstd_pool.go", field("zstdEncoderPool", "idleSince")),
			part("zstd_pool.go", field("zstdEncoderPool", "spareSince")),
			part("zstd_pool.go", field("zstdEncoderPool", "idleTimer")),
			part("zstd_pool.go", stmt("(*zstdEncoderPool).acquire", AssignsTo("p.idleSince"))),
			part("zstd_nowait.go", stmt("(*zstdEncoderPool).keepSpareLocked", AssignsTo("p.spareSince"))),
			part("zstd_nowait.go", stmt("(*zstdEncoderPool).keepSpareLocked", Calls("p.startIdleTimerLocked"))),
			part("zstd_pool.go", stmt("(*zstdEncoderPool).putLocked", AssignsTo("p.idleSince"))),
			part("zstd_pool.go", stmt("(*zstdEncoderPool).putLocked", Calls("p.startIdleTimerLocked"))),
			part("zstd_pool_key.go", field("zstdPoolKey", "idleTime")),
			part("zstd_pool_key.go", stmt("zstdDefaultPoolKey", AssignsTo("k.idleTime"))),
			part("zstd_pool_key.go", stmt("zstdProducerPoolKey", AssignsTo("k.idleTime"))),
			part("zstd_config.go", field("ZstdEncoderPoolConfig", "MaxIdleTime")),
			part("zstd_config.go", stmt("(*ZstdEncoderPoolConfig).validate", IfMentions("MaxIdleTime"))),
			part("zstd_compressor.go", stmt("releaseZstdPool", IfMentions("keepsIdle"))),
			part("zstd_metrics.go", stmt("(*zstdCompressor).registerMetrics", Mentions("zstdDroppedIdleTime"))),
		},
		API:   []string{"ZstdEncoderPoolConfig.MaxIdleTime"},
		Bench: prBench{After: "BenchmarkZstdIdleRelease"},
		Why:   "gives idle memory back; without it a pool keeps up to its bound of idle encoders, as the cache kept GOMAXPROCS",
	},
	{
		ID:      stepBuffers,
		Slug:    "zstd-pooled-buffers",
		Subject: "perf(producer): compress zstd batches into pooled buffers",
		Body: `A producer's zstd batch is encoded and compressed into buffers from
sync.Pools in power-of-two size classes, instead of two buffers of its
size allocated per batch; the compressed bytes go back once the request
carrying them has been encoded, and a request encoded again compresses
again.`,
		Overlay: []string{"zstd_buffers.go", "zstd_batch.go", "zstd_buffers_test.go", "zstd_roundtrip_test.go", "zstd_race_test.go", "zstd_norace_test.go"},
		Parts: []prPart{
			part("zstd_producer.go", stmt("compressZstdBatch", IfWith(Calls("compressZstdBatchBuffers")))),
		},
		Bench: prBench{Regexp: "BenchmarkZstdManyProducers"},
		Why:   "fewer allocations per batch; independent of the pool's limits",
	},
	{
		ID:   stepDecoder,
		Slot: true,
		Overlay: []string{
			"zstd_decoder.go", "batch_decompression.go", "zstd_decoder_test.go", "batch_decompression_test.go",
		},
		Why: "the decoders that allocate what a zstd frame holds rather than what it claims, and the consumer " +
			"that reports and skips a batch it cannot decompress: independent of the encoders, they belong on " +
			"upstream directly, as a pull request of their own, which with the tests they need is over 599 lines; " +
			"they are left for a split of their own",
	},
	{
		ID:   stepFork,
		Slot: true,
		Overlay: []string{
			"zstd_poison_on.go", "zstd_poison_off.go", "zstd_poison_test.go",
			"zstd_bench_test.go", "zstd_compressor_test.go", "zstd_cputime_other_test.go", "zstd_cputime_unix_test.go",
			"zstd_encoder_test.go", "zstd_pool_test.go",
		},
		Parts: []prPart{
			part("zstd_buffers.go", stmt("putZstdBuffer", IfMentions("zstdPoisonBuffers"))),
		},
		Why: "the fork's own tests and benchmarks (models of upstream's encoder cache, machine-sized stress runs), " +
			"and the zstdpoison build tag that overwrites released buffers in them",
	},
}
