//go:build !functional

package sarama

import (
	"flag"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
)

// The benchmarks below reproduce the table of Sarama issue #2965 on this
// machine: many goroutines compress at once, each its own block, and the
// encoder pool decides how many encoders exist. Run them with make bench.
//
// Every row runs twice: bare, and beside a live application heap. A bare
// benchmark's heap is little more than the encoders the pool keeps, so a
// pool that keeps hundreds of dead-weight encoders makes the collector rare
// and looks fast for that reason alone. A service has a heap of its own; with
// one, the collector runs as often whatever the pool keeps.

// zstdBenchAppHeapBytes is the live application heap of the "app" runs.
const zstdBenchAppHeapBytes = 256 << 20

// zstdBenchHeapNode is a piece of the application heap: pointers for the
// collector to trace and bytes for it to account.
type zstdBenchHeapNode struct {
	next *zstdBenchHeapNode
	_    [1016]byte
}

var zstdBenchAppHeap *zstdBenchHeapNode

func setZstdBenchAppHeap(on bool) {
	zstdBenchAppHeap = nil
	if on {
		for range zstdBenchAppHeapBytes / 1024 {
			zstdBenchAppHeap = &zstdBenchHeapNode{next: zstdBenchAppHeap}
		}
	}
	runtime.GC()
}

// zstdBenchPool is what a benchmark row measures: a way to lend encoders.
type zstdBenchPool interface {
	encode(dst, src []byte) []byte
	created() int64
	live() int64 // encoders referenced now: in use or idle
}

// forkBenchPool is this fork's pool, recording its metrics as a producer's
// compressions do.
type forkBenchPool struct {
	p *zstdEncoderPool
	m *zstdMetrics
	// buffers compresses into pooled buffers, as producers do; without it
	// each compression allocates its output, as upstream's do.
	buffers bool
}

func (f forkBenchPool) encode(dst, src []byte) []byte {
	var buf *zstdBuffer
	if f.buffers && dst == nil {
		buf = getZstdBuffer(len(src))
		dst = buf.b
	}
	l := zstdLease{metrics: f.m}
	if err := f.p.acquire(&l); err != nil {
		panic(err)
	}
	out := l.enc.EncodeAll(src, dst)
	f.p.release(&l, true)
	if buf != nil {
		buf.b = out
		putZstdBuffer(buf)
	}
	return out
}
func (f forkBenchPool) created() int64 { return f.m.created.Count() }
func (f forkBenchPool) live() int64 {
	lent, idle, _ := f.p.counts()
	return int64(lent + idle)
}

// zstdUpstreamEncoderOptions are the options of upstream Sarama's encoders,
// for the model rows: klauspost's default window of 8 MiB, full memory.
func zstdUpstreamEncoderOptions(level int) []zstd.EOption {
	return []zstd.EOption{
		zstd.WithZeroFrames(true),
		zstd.WithEncoderLevel(zstdSpeed(level)),
		zstd.WithEncoderConcurrency(1),
	}
}

// newZstdBenchEncoder builds an encoder for a model pool, which has no error
// to return: the options are the fork's own, so a failure is a bug.
func newZstdBenchEncoder(opts []zstd.EOption) *zstd.Encoder {
	enc, err := zstd.NewWriter(nil, opts...)
	if err != nil {
		panic(err)
	}
	return enc
}

// unboundedBenchPool models upstream Sarama: an idle store of maxIdle
// encoders and no bound on those in use. Callers finding it empty build an
// encoder; returns finding it full drop theirs. maxIdle GOMAXPROCS is
// v1.48.2 and later (v1.61.1 included); maxIdle 1 is v1.48.1 and earlier.
type unboundedBenchPool struct {
	idle          chan *zstd.Encoder
	opts          []zstd.EOption
	built, living atomic.Int64
}

func (u *unboundedBenchPool) encode(dst, src []byte) []byte {
	var enc *zstd.Encoder
	select {
	case enc = <-u.idle:
	default:
		enc = newZstdBenchEncoder(u.opts)
		u.built.Add(1)
		u.living.Add(1)
	}
	dst = enc.EncodeAll(src, dst)
	select {
	case u.idle <- enc:
	default:
		u.living.Add(-1)
	}
	return dst
}
func (u *unboundedBenchPool) created() int64 { return u.built.Load() }
func (u *unboundedBenchPool) live() int64    { return u.living.Load() }

// semaphoreBenchPool is the naive bound: a channel of permits beside a
// channel of idle encoders, two channel operations each way.
type semaphoreBenchPool struct {
	permits chan struct{}
	idle    chan *zstd.Encoder
	opts    []zstd.EOption
	built   atomic.Int64
}

func (s *semaphoreBenchPool) encode(dst, src []byte) []byte {
	s.permits <- struct{}{}
	var enc *zstd.Encoder
	select {
	case enc = <-s.idle:
	default:
		enc = newZstdBenchEncoder(s.opts)
		s.built.Add(1)
	}
	dst = enc.EncodeAll(src, dst)
	s.idle <- enc
	<-s.permits
	return dst
}
func (s *semaphoreBenchPool) created() int64 { return s.built.Load() }
func (s *semaphoreBenchPool) live() int64    { return s.built.Load() }

// spinBenchPool is the hand-off with a short spin before parking, as
// sync.Mutex spins before it sleeps: a caller that finds no encoder free
// polls the channel for about a microsecond in case one comes back. One
// channel holds the idle encoders; up to max are built.
type spinBenchPool struct {
	slots chan *zstd.Encoder
	opts  []zstd.EOption
	max   int64
	built atomic.Int64
}

func (s *spinBenchPool) encode(dst, src []byte) []byte {
	enc := s.get()
	dst = enc.EncodeAll(src, dst)
	s.slots <- enc
	return dst
}

func (s *spinBenchPool) get() *zstd.Encoder {
	for spin := 0; ; spin++ {
		select {
		case enc := <-s.slots:
			return enc
		default:
		}
		if n := s.built.Load(); n < s.max && s.built.CompareAndSwap(n, n+1) {
			return newZstdBenchEncoder(s.opts)
		}
		if spin == 4 {
			return <-s.slots
		}
		for i := 0; i < 50 && len(s.slots) == 0; i++ {
		}
	}
}
func (s *spinBenchPool) created() int64 { return s.built.Load() }
func (s *spinBenchPool) live() int64    { return s.built.Load() }

// zstdBenchRound is the round of make bench, which runs the benchmark binary
// once per round. Each round starts the rows at the next one, so over as many
// rounds as rows each row runs once in every position: a row never always
// follows the one whose garbage or warm caches it inherits.
var zstdBenchRound = flag.Int("zstdbench.round", 0, "rotate BenchmarkZstdPool's rows by this many")

type zstdBenchRow struct {
	name string
	// workers > 0 runs that many goroutines, each with an encoder of its
	// own and no pool: the ideal the pools are measured against.
	workers int
	pool    func(testing.TB) zstdBenchPool
}

func zstdBenchRows(level int) []zstdBenchRow {
	procs := runtime.GOMAXPROCS(0)
	// bounded is the fork's pool; 0 selects a limit's default.
	bounded := func(idle, inUse int, buffers bool) func(testing.TB) zstdBenchPool {
		return func(tb testing.TB) zstdBenchPool {
			p := newZstdEncoderPool(zstdTestKey(level, idle, inUse))
			tb.Cleanup(func() { drainZstdPool(p) })
			m, _ := newTestZstdMetrics()
			return forkBenchPool{p, m, buffers}
		}
	}
	unbounded := func(idle int) func(testing.TB) zstdBenchPool {
		return func(testing.TB) zstdBenchPool {
			return &unboundedBenchPool{idle: make(chan *zstd.Encoder, idle), opts: zstdUpstreamEncoderOptions(level)}
		}
	}
	forkOptions := zstdTestKey(level, 0, 0).encoderOptions()
	return []zstdBenchRow{
		{name: "ideal", workers: procs},
		// The fork's defaults; an idle cap above the in-use cap (the seed
		// table's "unbounded" and "1000" idle rows) is the same pool.
		{name: "fork", pool: bounded(0, 0, true)},
		// The same pool compressing into fresh buffers, as before the
		// fork pooled them: the rows of earlier runs.
		{name: "fork-fresh", pool: bounded(0, 0, false)},
		{name: "upstream", pool: unbounded(procs)},
		{name: "semaphore", pool: func(testing.TB) zstdBenchPool {
			return &semaphoreBenchPool{permits: make(chan struct{}, procs), idle: make(chan *zstd.Encoder, procs), opts: forkOptions}
		}},
		{name: "spin", pool: func(testing.TB) zstdBenchPool {
			return &spinBenchPool{slots: make(chan *zstd.Encoder, procs), opts: forkOptions, max: int64(procs)}
		}},
		{name: "legacy", pool: unbounded(1)},
		{name: "idle1-inuse" + fmt.Sprint(procs), pool: bounded(1, procs, true)},
		{name: "idle1000-inuse1000", pool: bounded(1000, 1000, true)},
		{name: "idle1-inuse1000", pool: bounded(1, 1000, true)},
	}
}

// BenchmarkZstdPool compresses blocks from many goroutines through each
// row's pool. Besides MB/s, B/op and allocs/op it reports encoders built per
// operation after warm-up and the peak number of live encoders.
func BenchmarkZstdPool(b *testing.B) {
	const level = 3
	sizes := []struct {
		name       string
		size       int
		goroutines int
	}{
		{"2KiB", 2 << 10, 1000},
		{"64KiB", 64 << 10, 100},
		{"256KiB", 256 << 10, 100},
		{"1MiB", 1 << 20, 100},
	}
	defer setZstdBenchAppHeap(false)
	for _, heap := range []string{"bare", "app"} {
		setZstdBenchAppHeap(heap == "app")
		for _, sz := range sizes {
			// Every row compresses the same sequence of blocks: the n-th
			// compression, whichever goroutine does it, takes block n
			// modulo their number. Together they exceed a core's caches,
			// as batches are new data, and no row's scheduling can keep
			// an input in cache for its next compression or share one
			// between cores.
			blocks := make([][]byte, max(16, (8<<20)/sz.size))
			for i := range blocks {
				blocks[i] = zstdTestPayload(sz.size + i)[:sz.size]
			}
			rows := zstdBenchRows(level)
			shift := *zstdBenchRound % len(rows)
			rows = append(rows[shift:], rows[:shift]...)
			for _, row := range rows {
				name := fmt.Sprintf("heap=%s/size=%s/g=%d/pool=%s", heap, sz.name, sz.goroutines, row.name)
				b.Run(name, func(b *testing.B) {
					b.SetBytes(int64(sz.size))
					b.ReportAllocs()
					if row.workers > 0 {
						benchZstdIdeal(b, level, row.workers, blocks)
						return
					}
					benchZstdPool(b, row.pool(b), sz.goroutines, blocks)
				})
			}
		}
	}
}

// benchZstdPool runs b.N compressions spread over goroutines that share the
// pool, after one warm-up round in which every goroutine compresses once.
func benchZstdPool(b *testing.B, pool zstdBenchPool, goroutines int, blocks [][]byte) {
	run := func(ops int64) {
		var next atomic.Int64
		next.Store(ops)
		var wg sync.WaitGroup
		for range goroutines {
			wg.Go(func() {
				for n := next.Add(-1); n >= 0; n = next.Add(-1) {
					_ = pool.encode(nil, blocks[n%int64(len(blocks))])
				}
			})
		}
		wg.Wait()
	}
	run(int64(goroutines))
	createdBefore := pool.created()

	stop := make(chan struct{})
	peak := make(chan int64)
	go func() {
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		var most int64
		for {
			most = max(most, pool.live())
			select {
			case <-tick.C:
			case <-stop:
				peak <- max(most, pool.live())
				return
			}
		}
	}()

	cpu := startCPUClock(b)
	run(int64(b.N))
	cpu.stop()
	close(stop)
	b.ReportMetric(float64(pool.created()-createdBefore)/float64(b.N), "encoders/op")
	b.ReportMetric(float64(<-peak), "peak-encoders")
}

// benchZstdIdeal runs b.N compressions on workers goroutines, each with an
// encoder of its own: no pool, no waiting, the fewest encoders possible.
// The encoders have upstream's options and compress into fresh buffers, as
// this row did before the fork pooled buffers and sized its encoders, so
// that the fork's rows are measured against the same ideal as before.
func benchZstdIdeal(b *testing.B, level, workers int, blocks [][]byte) {
	encoders := make([]*zstd.Encoder, workers)
	for i := range encoders {
		enc, err := zstd.NewWriter(nil, zstdUpstreamEncoderOptions(level)...)
		if err != nil {
			b.Fatal(err)
		}
		_ = enc.EncodeAll(blocks[0], nil)
		encoders[i] = enc
	}
	var next atomic.Int64
	next.Store(int64(b.N))
	cpu := startCPUClock(b)
	var wg sync.WaitGroup
	for _, enc := range encoders {
		wg.Go(func() {
			for n := next.Add(-1); n >= 0; n = next.Add(-1) {
				_ = enc.EncodeAll(blocks[n%int64(len(blocks))], nil)
			}
		})
	}
	wg.Wait()
	cpu.stop()
	b.ReportMetric(0, "encoders/op")
	b.ReportMetric(float64(workers), "peak-encoders")
}

// cpuClock measures, beside the benchmark's wall time, the CPU time and the
// collections of the timed part. CPU time is what the pool costs; collections
// show how much of it the heap the pool keeps alive decides.
type cpuClock struct {
	b     *testing.B
	cpu   time.Duration
	ok    bool
	numGC uint32
}

func startCPUClock(b *testing.B) cpuClock {
	// Every row starts from a collected heap, not with the garbage of the
	// row before it (upstream's model leaves hundreds of encoders behind).
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	c := cpuClock{b: b, numGC: ms.NumGC}
	c.cpu, c.ok = processCPUTime()
	b.ResetTimer()
	return c
}

func (c cpuClock) stop() {
	c.b.StopTimer()
	cpu, ok := processCPUTime()
	if ok && c.ok {
		c.b.ReportMetric(float64(cpu-c.cpu)/float64(c.b.N), "cpu-ns/op")
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	c.b.ReportMetric(float64(ms.NumGC-c.numGC)*1e6/float64(c.b.N), "gc/Mop")
}
