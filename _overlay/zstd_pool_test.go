//go:build !functional

package sarama

import (
	"bytes"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
)

// TestZstdPoolInvariants hammers pools from many goroutines and checks,
// from inside every compression, that the bound holds, that no encoder is
// lent twice at once and that no more encoders exist than the bound; then
// that the metrics add up.
func TestZstdPoolInvariants(t *testing.T) {
	const goroutines = 256
	src := zstdTestPayload(2 << 10)
	for _, tc := range []struct {
		name            string
		maxIdle, maxUse int
		perGoroutine    int
	}{
		{"idle=inUse", 0, 4, 8},
		{"idle<inUse", 1, 4, 4},
		{"inUse=1", 0, 1, 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newZstdEncoderPool(zstdTestKey(1, tc.maxIdle, tc.maxUse))
			m, registry := newTestZstdMetrics()
			var mu sync.Mutex
			busy := make(map[*zstd.Encoder]bool)
			seen := make(map[*zstd.Encoder]bool)
			var wg sync.WaitGroup
			for range goroutines {
				wg.Go(func() {
					for range tc.perGoroutine {
						l := p.get(t, m)
						mu.Lock()
						if busy[l.enc] {
							t.Errorf("encoder %p lent to two compressions at once", l.enc)
						}
						busy[l.enc], seen[l.enc] = true, true
						mu.Unlock()
						if lent, idle, _ := p.counts(); lent > tc.maxUse || lent+idle > tc.maxUse {
							t.Errorf("%d encoders lent and %d idle, bound %d", lent, idle, tc.maxUse)
						}
						runtime.Gosched() // let the others pile up
						out := l.enc.EncodeAll(src, nil)
						mu.Lock()
						busy[l.enc] = false
						mu.Unlock()
						p.release(l, true)
						if got, err := zstdDecompress(ZstdDecoderParams{}, nil, out, 0); err != nil || !bytes.Equal(got, src) {
							t.Errorf("round trip failed: %v", err)
							return
						}
					}
				})
			}
			wg.Wait()
			lent, idle, waiters := p.counts()
			if lent != 0 || waiters != 0 {
				t.Errorf("%d encoders lent and %d waiters after every compression returned", lent, waiters)
			}
			created := zstdCounter(t, registry, "zstd-encoders-created")
			if created != int64(len(seen)) {
				t.Errorf("zstd-encoders-created = %d, %d distinct encoders lent", created, len(seen))
			}
			if tc.maxIdle == 0 && created > int64(tc.maxUse) {
				t.Errorf("%d encoders built, want at most the bound %d", created, tc.maxUse)
			}
			if dropped := zstdCounter(t, registry, "zstd-encoders-dropped-idle-limit"); created-dropped != int64(idle) {
				t.Errorf("%d built, %d dropped over the idle limit, but %d idle", created, dropped, idle)
			}
			if m.wait.Count() == 0 {
				t.Errorf("no wait recorded with %d goroutines and %d encoders", goroutines, tc.maxUse)
			}
		})
	}
}

// TestZstdPoolBuildsLazily checks that compressions one after the other
// build one encoder, whatever the bound.
func TestZstdPoolBuildsLazily(t *testing.T) {
	p := newZstdEncoderPool(zstdTestKey(1, 0, 0))
	m, _ := newTestZstdMetrics()
	for range 5 {
		if _, err := p.encode(m, []byte("payload")); err != nil {
			t.Fatal(err)
		}
	}
	if got := m.created.Count(); got != 1 {
		t.Errorf("%d encoders built for sequential compressions, want 1", got)
	}
}

// TestZstdPoolWaiterNotStarved checks that a caller that holds the only
// encoder nearly all the time, returning and retaking it between
// compressions, cannot keep a waiter out: the waiter, parked first, gets
// the encoder at the next return. On one P, a pool that let the returning
// caller barge would serve the waiter only by chance.
func TestZstdPoolWaiterNotStarved(t *testing.T) {
	withGOMAXPROCS(t, 1)
	p := newZstdEncoderPool(zstdTestKey(1, 1, 1))
	m, _ := newTestZstdMetrics() // the waiter's
	held := p.get(t, nil)
	served := make(chan struct{})
	go func() {
		p.release(p.get(t, m), true)
		close(served)
	}()
	for _, _, w := p.counts(); w == 0; _, _, w = p.counts() {
		runtime.Gosched()
	}
	src := zstdTestPayload(1 << 10)
	for i := 0; ; i++ {
		_ = held.enc.EncodeAll(src, nil)
		p.release(held, true)
		select {
		case <-served:
			if got := m.wait.Count(); got != 1 {
				t.Errorf("waits recorded = %d, want 1", got)
			}
			return
		default:
		}
		if i == 30_000 {
			t.Fatal("waiter not served after 30000 returns of the only encoder")
		}
		held = p.get(t, nil)
	}
}

// TestZstdPoolPanicDropsEncoder panics while a producer's batch holds an
// encoder (a record with a nil header): the encoder, which may be half-way
// through a frame, is dropped and counted, its permit goes back, and the
// pool still serves compressions.
func TestZstdPoolPanicDropsEncoder(t *testing.T) {
	conf := zstdTestConfig(3, 0, 2)
	c := newTestZstdCompressor(t, conf)
	for i := range 3 {
		b := &RecordBatch{Version: 2, Codec: CompressionZSTD, CompressionLevel: 3, zstd: c}
		b.addRecord(&Record{Value: []byte("v"), Headers: []*RecordHeader{nil}})
		func() {
			defer func() {
				if recover() == nil {
					t.Fatal("the panic did not reach the caller")
				}
			}()
			_ = compressZstdBatch(b, &zstdLease{})
		}()
		if lent, idle, _ := c.pool.counts(); lent != 0 || idle != 0 {
			t.Fatalf("after a panic, %d encoders lent and %d idle, want none", lent, idle)
		}
		if got := zstdCounter(t, conf.MetricRegistry, "zstd-encoders-dropped-failed"); got != int64(i+1) {
			t.Fatalf("zstd-encoders-dropped-failed = %d after %d panics", got, i+1)
		}
	}
	var wg sync.WaitGroup
	for range 100 {
		wg.Go(func() {
			if _, err := c.compress([]byte("after the panics")); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := zstdCounter(t, conf.MetricRegistry, "zstd-encoders-created"); got > 3+2 {
		t.Errorf("%d encoders built, want at most 3 (dropped) + 2 (the bound)", got)
	}
}

// TestZstdPoolNoWaitCounted checks the path of compressions under a
// broker's lock: with every encoder lent it builds one outside the bound
// instead of waiting and keeps it as the pool's spare, which serves the
// next such compression; one that finds the spare taken builds one more,
// dropped after.
func TestZstdPoolNoWaitCounted(t *testing.T) {
	p := newZstdEncoderPool(zstdTestKey(3, 0, 1))
	m, registry := newTestZstdMetrics()
	held := p.get(t, m)
	noWait := func() *zstdLease {
		l := &zstdLease{metrics: m, noWait: true}
		if err := p.acquire(l); err != nil {
			t.Fatal(err)
		}
		return l
	}
	for range 3 {
		p.release(noWait(), true)
	}
	if got := [2]int64{m.wait.Count(), m.created.Count()}; got != [2]int64{0, 2} {
		t.Errorf("waits, built = %v, want [0 2]: the held encoder and one spare", got)
	}
	first, second := noWait(), noWait()
	p.release(first, true)
	p.release(second, true)
	if got, dropped := m.created.Count(), zstdCounter(t, registry, "zstd-encoders-dropped-idle-limit"); got != 3 || dropped != 1 {
		t.Errorf("built %d, dropped %d: want one more built beside the spare, and dropped", got, dropped)
	}
	p.release(held, true)
	p.release(noWait(), true)
	if got := m.created.Count(); got != 3 {
		t.Errorf("%d encoders built, want 3: an idle encoder serves the no-wait path first", got)
	}
}

// TestZstdPoolBuildFailureReturnsPermit checks that an encoder that cannot
// be built costs no permit: every caller gets the error, none hangs.
func TestZstdPoolBuildFailureReturnsPermit(t *testing.T) {
	p := newZstdEncoderPool(zstdTestKey(3, 1, 1))
	p.opts = append(p.opts, zstd.WithWindowSize(1)) // below zstd's minimum window
	for range 3 {
		if _, err := compressWaiting(p, []byte("x")); err == nil {
			t.Fatal("expected the encoder's construction error")
		}
	}
	if lent, _, _ := p.counts(); lent != 0 {
		t.Errorf("%d permits lost to failed builds", lent)
	}
}

// TestZstdPoolHandsPermitToWaiter fails the build of a waiter's encoder
// while another waits behind it: the permit passes on.
func TestZstdPoolHandsPermitToWaiter(t *testing.T) {
	p := newZstdEncoderPool(zstdTestKey(3, 1, 1))
	held := p.get(t, nil)
	errs := make(chan error, 2)
	for i := range 2 {
		go func() {
			_, err := compressWaiting(p, []byte("x"))
			errs <- err
		}()
		zstdEventually(t, "the waiters to queue", func() bool { _, _, w := p.counts(); return w == i+1 })
	}
	p.release(held, false) // dropped: its permit goes to the first waiter
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// TestZstdPoolRecordsWaits checks that a compression that finds every
// encoder lent waits, gets the one returned, and is counted once.
func TestZstdPoolRecordsWaits(t *testing.T) {
	p := newZstdEncoderPool(zstdTestKey(3, 1, 1))
	m, _ := newTestZstdMetrics()
	held := p.get(t, m)
	done := make(chan error)
	go func() {
		_, err := p.encode(m, []byte("waits for the only encoder"))
		done <- err
	}()
	zstdEventually(t, "the second compression to wait", func() bool { _, _, w := p.counts(); return w == 1 })
	p.release(held, true)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := m.wait.Count(); got != 1 {
		t.Errorf("waits recorded = %d, want 1", got)
	}
	if got := m.created.Count(); got != 1 {
		t.Errorf("encoders built = %d, want 1: the waiter must get the returned encoder", got)
	}
}

// TestZstdPoolTakeAllocatesNothing checks the fast path: once warm, taking
// and returning an idle encoder allocates nothing, in a pool with a fixed
// bound and in one that follows GOMAXPROCS.
func TestZstdPoolTakeAllocatesNothing(t *testing.T) {
	for _, maxInUse := range []int{2, 0} {
		p := newZstdEncoderPool(zstdTestKey(3, 0, maxInUse))
		m, _ := newTestZstdMetrics()
		p.release(p.get(t, m), true)
		allocs := testing.AllocsPerRun(1000, func() {
			l := zstdLease{metrics: m}
			if err := p.acquire(&l); err != nil {
				t.Fatal(err)
			}
			p.release(&l, true)
		})
		if allocs != 0 {
			t.Errorf("MaxInUseEncoders %d: taking and returning an idle encoder allocates %.1f times, want 0", maxInUse, allocs)
		}
		drainZstdPool(p)
	}
}

// TestZstdPoolKeys checks which settings share a pool: levels that build
// the same encoder, batch limits with the same window, and idle limits that
// cannot be reached.
func TestZstdPoolKeys(t *testing.T) {
	key := func(level, maxMessageBytes int, c ZstdEncoderPoolConfig) zstdPoolKey {
		conf := NewConfig()
		conf.Producer.CompressionLevel, conf.Producer.MaxMessageBytes, conf.Producer.Zstd = level, maxMessageBytes, c
		return zstdProducerPoolKey(conf)
	}
	def := ZstdEncoderPoolConfig{}
	base := zstdDefaultPoolKey(CompressionLevelDefault)
	for _, tc := range []struct {
		name string
		key  zstdPoolKey
		same bool
	}{
		{"NewConfig's producer", key(CompressionLevelDefault, 1<<20, NewConfig().Producer.Zstd), true},
		{"level 3", key(3, 1<<20, def), true},
		{"level 5", key(5, 1<<20, def), true},
		{"level 2", key(2, 1<<20, def), false},
		{"level 6", key(6, 1<<20, def), false},
		{"batch limit in the same window", key(3, 1<<19+1, def), true},
		{"batch limit in a larger window", key(3, 1<<20+1, def), false},
		{"the default idle time", key(3, 1<<20, ZstdEncoderPoolConfig{MaxIdleTime: time.Minute}), true},
		{"another idle time", key(3, 1<<20, ZstdEncoderPoolConfig{MaxIdleTime: time.Hour}), false},
		{"a fixed bound", key(3, 1<<20, ZstdEncoderPoolConfig{MaxInUseEncoders: 2}), false},
		{"the default pool of level 4", zstdDefaultPoolKey(4), true},
	} {
		if got := tc.key == base; got != tc.same {
			t.Errorf("%s: same pool as the default = %v, want %v (%+v vs %+v)", tc.name, got, tc.same, tc.key, base)
		}
	}
	for level := 11; level <= 22; level++ {
		if key(level, 1<<20, def) != key(10, 1<<20, def) {
			t.Errorf("level %d does not share level 10's pool", level)
		}
	}
	if key(3, 1<<20, ZstdEncoderPoolConfig{MaxIdleEncoders: 5, MaxInUseEncoders: 2}) !=
		key(3, 1<<20, ZstdEncoderPoolConfig{MaxInUseEncoders: 2}) {
		t.Error("an idle limit above a fixed in-use limit must map to the same pool as no idle limit")
	}
	if got := NewConfig().Producer.MaxMessageBytes; got != defaultProducerMaxMessageBytes {
		t.Errorf("NewConfig's Producer.MaxMessageBytes is %d, defaultProducerMaxMessageBytes %d", got, defaultProducerMaxMessageBytes)
	}
}

// TestZstdPoolGOMAXPROCSDropsCounted changes GOMAXPROCS under a pool with the
// default bound: the bound grows at once for new callers, and when it
// shrinks, the encoder above it is dropped as it comes back, not taken
// from its caller.
func TestZstdPoolGOMAXPROCSDropsCounted(t *testing.T) {
	withGOMAXPROCS(t, 1)

	before := NewConfig()
	p := newZstdEncoderPool(zstdProducerPoolKey(before))
	m, registry := newTestZstdMetrics()
	first := p.get(t, m)
	waited := make(chan *zstdLease)
	go func() { waited <- p.get(t, m) }()
	zstdEventually(t, "a caller to wait at GOMAXPROCS 1", func() bool { _, _, w := p.counts(); return w == 1 })

	withGOMAXPROCS(t, 2)
	if zstdProducerPoolKey(NewConfig()) != p.key {
		t.Fatal("configs made before and after a GOMAXPROCS change key different pools")
	}
	second := p.get(t, m) // the bound is 2 now: builds without waiting
	if got := m.wait.Count(); got != 0 {
		t.Fatalf("%d waits recorded before any encoder came back", got)
	}
	p.release(second, true) // handed to the waiter
	third := <-waited

	withGOMAXPROCS(t, 1)
	p.release(first, true) // above the bound of 1: dropped
	p.release(third, true) // within the bound: kept
	if lent, idle, _ := p.counts(); lent != 0 || idle != 1 {
		t.Errorf("lent %d, idle %d, want 0 and 1", lent, idle)
	}
	if got := zstdCounter(t, registry, "zstd-encoders-dropped-gomaxprocs"); got != 1 {
		t.Errorf("zstd-encoders-dropped-gomaxprocs = %d, want 1", got)
	}
}
