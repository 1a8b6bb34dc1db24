//go:build !functional

package sarama

import (
	"bytes"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
)

// zstdEventually polls cond until it holds. The deadline only turns a hang
// into a failure: no test asserts how long anything takes.
func zstdEventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("still waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestZstdPoolInvariants hammers pools with many goroutines and checks,
// from inside every encoding and from a goroutine reading the gauges, that
// the bounds hold, no encoder is shared, and the gauges never show counts
// that cannot be.
func TestZstdPoolInvariants(t *testing.T) {
	const goroutines = 256
	src := zstdTestPayload(2 << 10)
	for _, tc := range []struct {
		name            string
		maxIdle, maxUse int
		perGoroutine    int // compressions per goroutine
	}{
		{"idle=inUse", 0, 4, 8},
		{"idle<inUse", 1, 4, 4},
		{"inUse=1", 0, 1, 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newZstdEncoderPool(zstdTestKey(1, tc.maxIdle, tc.maxUse))
			m := newTestZstdMetricSet(t)
			idleCap := int64(tc.maxUse)
			if tc.maxIdle > 0 {
				idleCap = int64(tc.maxIdle)
			}
			checkGauges := func() {
				dropped := p.dropped.Load()
				s := p.state.Load()
				created := p.created.Load()
				lent, idle := zstdStateLentOf(s), zstdStateIdleOf(s)
				switch {
				case lent < 0 || lent > int64(tc.maxUse):
					t.Errorf("in-use gauge %d outside [0, %d]", lent, tc.maxUse)
				case idle < 0 || idle > idleCap:
					t.Errorf("idle gauge %d outside [0, %d]", idle, idleCap)
				case idle > created-dropped:
					t.Errorf("idle gauge %d, but %d built and %d dropped", idle, created, dropped)
				}
			}
			var inUse, peak atomic.Int64
			var busy sync.Map // *zstd.Encoder -> *atomic.Bool
			check := func(enc *zstd.Encoder, src, dst []byte) []byte {
				n := inUse.Add(1)
				defer inUse.Add(-1)
				for old := peak.Load(); n > old && !peak.CompareAndSwap(old, n); old = peak.Load() {
				}
				if n > int64(tc.maxUse) {
					t.Errorf("%d encoders in use, bound is %d", n, tc.maxUse)
				}
				checkGauges()
				flag, _ := busy.LoadOrStore(enc, new(atomic.Bool))
				if !flag.(*atomic.Bool).CompareAndSwap(false, true) {
					t.Errorf("encoder %p used by two callers at once", enc)
				}
				defer flag.(*atomic.Bool).Store(false)
				// Let other goroutines run while this one holds the encoder,
				// so that the bound is reached on any number of CPUs.
				runtime.Gosched()
				return enc.EncodeAll(src, dst)
			}

			stop := make(chan struct{})
			reader := make(chan struct{})
			go func() {
				defer close(reader)
				for {
					select {
					case <-stop:
						return
					default:
						checkGauges()
						runtime.Gosched()
					}
				}
			}()
			var wg sync.WaitGroup
			for range goroutines {
				wg.Go(func() {
					for range tc.perGoroutine {
						out, err := p.encodeWith(m, nil, src, check)
						if err != nil {
							t.Error(err)
							return
						}
						if got, err := zstdDecompress(ZstdDecoderParams{}, nil, out, 0); err != nil || !bytes.Equal(got, src) {
							t.Errorf("round trip failed: %v", err)
							return
						}
					}
				})
			}
			wg.Wait()
			close(stop)
			<-reader

			if got := p.inUse(); got != 0 {
				t.Errorf("%d encoders still in use after all callers returned", got)
			}
			checkGauges()
			created := p.created.Load()
			if tc.maxIdle == 0 && created > int64(tc.maxUse) {
				t.Errorf("%d encoders created, want at most MaxInUseEncoders = %d", created, tc.maxUse)
			}
			if got := m.created.Count(); got != created {
				t.Errorf("zstd-encoders-created = %d, pool built %d", got, created)
			}
			if got, want := m.dropped.Count(), p.dropped.Load(); got != want {
				t.Errorf("zstd-encoders-dropped = %d, pool dropped %d", got, want)
			}
			if m.wait.Count() == 0 || m.waitTotal.Count() <= 0 {
				t.Errorf("no wait recorded with %d goroutines and %d encoders", goroutines, tc.maxUse)
			}
			t.Logf("peak in use %d, created %d, waits %d", peak.Load(), created, m.wait.Count())
		})
	}
}

// TestZstdPoolPanicLeaksNothing checks that a panic inside encoding returns
// the permit, drops the encoder, and leaves the pool fully usable.
func TestZstdPoolPanicLeaksNothing(t *testing.T) {
	p := newZstdEncoderPool(zstdTestKey(3, 2, 2))
	src := zstdTestPayload(1 << 10)
	var panicked *zstd.Encoder
	boom := func(enc *zstd.Encoder, _, _ []byte) []byte {
		panicked = enc
		panic("boom")
	}
	for range 5 {
		func() {
			defer func() {
				if recover() == nil {
					t.Fatal("the panic did not reach the caller")
				}
			}()
			_, _ = p.encodeWith(nil, nil, src, boom)
		}()
		if got := p.inUse(); got != 0 {
			t.Fatalf("%d encoders in use after a panic", got)
		}
		if got := p.idleEncoders(); got != 0 {
			t.Fatalf("the encoder that panicked was kept: %d idle", got)
		}
	}

	// Both permits still work, and the encoder that panicked is never lent again.
	var wg sync.WaitGroup
	for range 100 {
		wg.Go(func() {
			_, err := p.encodeWith(nil, nil, src, func(enc *zstd.Encoder, src, dst []byte) []byte {
				if enc == panicked {
					t.Error("an encoder that panicked was reused")
				}
				return enc.EncodeAll(src, dst)
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := p.created.Load(); got > 5+2 {
		t.Errorf("%d encoders created, want at most 5 (dropped) + 2 (the bound)", got)
	}
	if got, want := p.dropped.Load(), p.created.Load()-p.idleEncoders(); got != want {
		t.Errorf("%d encoders dropped, want the %d built and not idle: a panic's encoder must count", got, want)
	}
}

// TestZstdPoolNoWaitBuildsOutsideTheBound checks the path of compressions
// under a broker's lock: with every encoder in use it builds one for the
// compression instead of waiting and keeps it aside as the pool's spare,
// which serves the next such compression; one that finds the spare taken
// builds one more.
func TestZstdPoolNoWaitBuildsOutsideTheBound(t *testing.T) {
	p := newZstdEncoderPool(zstdTestKey(3, 0, 1))
	m := newTestZstdMetricSet(t)
	held, err := p.get(m)
	if err != nil {
		t.Fatal(err)
	}
	src := zstdTestPayload(1 << 10)
	for range 3 {
		out, err := p.encodeNoWait(m, nil, src)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := zstdDecompress(ZstdDecoderParams{}, nil, out, 0); err != nil || !bytes.Equal(got, src) {
			t.Fatalf("round trip failed: %v", err)
		}
	}
	if got := [3]int64{m.wait.Count(), m.created.Count(), m.dropped.Count()}; got != [3]int64{0, 2, 0} {
		t.Errorf("waits, built, dropped = %v, want [0 2 0]: the held encoder and one spare", got)
	}
	p.takeSpare() // as if another compression had it
	if _, err := p.encodeNoWait(m, nil, src); err != nil {
		t.Fatal(err)
	}
	if got := m.created.Count(); got != 3 || len(p.spare) != 1 {
		t.Errorf("%d encoders built, want 3: with the spare taken, one more, kept as the new spare", got)
	}
	p.put(m, held)
	if _, err := p.encodeNoWait(m, nil, src); err != nil {
		t.Fatal(err)
	}
	if got := m.created.Count(); got != 3 {
		t.Errorf("%d encoders built, want 3: an idle encoder serves the no-wait path", got)
	}
	drainZstdPool(p)
}

// TestZstdPoolBuildFailureReturnsPermit checks that an encoder that cannot
// be built costs no permit: every caller gets the error, none hangs.
func TestZstdPoolBuildFailureReturnsPermit(t *testing.T) {
	p := newZstdEncoderPool(zstdTestKey(3, 1, 1))
	p.opts = append(p.opts, zstd.WithWindowSize(1)) // below zstd's minimum window
	for range 3 {
		if _, err := p.encode(nil, nil, []byte("x")); err == nil {
			t.Fatal("expected the encoder's construction error")
		}
	}
	if got := p.inUse(); got != 0 {
		t.Errorf("%d permits lost to failed builds", got)
	}
}

// TestZstdPoolRecordsWaits checks that a compression that finds every
// encoder in use waits, and that the wait is recorded once.
func TestZstdPoolRecordsWaits(t *testing.T) {
	p := newZstdEncoderPool(zstdTestKey(3, 1, 1))
	m := newTestZstdMetricSet(t)
	held, err := p.get(m)
	if err != nil {
		t.Fatal(err)
	}
	if m.wait.Count() != 0 || m.created.Count() != 1 {
		t.Fatalf("first get: waits %d created %d, want 0 and 1", m.wait.Count(), m.created.Count())
	}

	done := make(chan error)
	go func() {
		_, err := p.encode(m, nil, []byte("waits for the only encoder"))
		done <- err
	}()
	zstdEventually(t, "the second compression to wait", func() bool { return p.waiters.Load() == 1 })
	select {
	case err := <-done:
		t.Fatalf("compression finished while the only encoder was in use (err %v)", err)
	default:
	}
	p.put(m, held)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := m.wait.Count(); got != 1 {
		t.Errorf("waits recorded = %d, want 1", got)
	}
	if got := m.waitTotal.Count(); got <= 0 {
		t.Errorf("total wait = %d ns, want > 0", got)
	}
	if got := m.created.Count(); got != 1 {
		t.Errorf("encoders created = %d, want 1: the waiter must get the returned encoder", got)
	}
}

// TestZstdPoolTakeAllocatesNothing checks the fast path: once warm, taking
// and returning an idle encoder allocates nothing, in a pool with a fixed
// bound and in one that follows GOMAXPROCS.
func TestZstdPoolTakeAllocatesNothing(t *testing.T) {
	for _, maxInUse := range []int{2, 0} {
		p := newZstdEncoderPool(zstdTestKey(3, 0, maxInUse))
		m := newTestZstdMetricSet(t)
		enc, err := p.get(m)
		if err != nil {
			t.Fatal(err)
		}
		p.put(m, enc)
		allocs := testing.AllocsPerRun(1000, func() {
			enc, err := p.get(m)
			if err != nil {
				t.Fatal(err)
			}
			p.put(m, enc)
		})
		if allocs != 0 {
			t.Errorf("MaxInUseEncoders %d: get+put of an idle encoder allocates %.1f times, want 0", maxInUse, allocs)
		}
		drainZstdPool(p)
	}
}

// TestZstdPoolKeys checks which settings share a pool: levels that build
// the same encoder, batch limits with the same window, and idle limits that
// cannot be reached.
func TestZstdPoolKeys(t *testing.T) {
	conf := func(level, maxMessageBytes int, c ZstdEncoderPoolConfig) zstdPoolKey {
		return newZstdPoolKey(level, maxMessageBytes, c)
	}
	def := ZstdEncoderPoolConfig{}
	base := conf(CompressionLevelDefault, 1<<20, def)
	for _, tc := range []struct {
		name string
		key  zstdPoolKey
		same bool
	}{
		{"level 3", conf(3, 1<<20, def), true},
		{"level 4", conf(4, 1<<20, def), true},
		{"level 5", conf(5, 1<<20, def), true},
		{"level 2", conf(2, 1<<20, def), false},
		{"level 6", conf(6, 1<<20, def), false},
		{"batch limit in the same window", conf(3, 1<<19+1, def), true},
		{"batch limit in a larger window", conf(3, 1<<20+1, def), false},
		{"NewConfig's idle time", conf(3, 1<<20, newZstdEncoderPoolConfig()), true},
		{"another idle time", conf(3, 1<<20, ZstdEncoderPoolConfig{MaxIdleTime: time.Hour}), false},
		{"a fixed bound", conf(3, 1<<20, ZstdEncoderPoolConfig{MaxInUseEncoders: 2}), false},
		{"the default pool", zstdDefaultPoolKey(4), true},
	} {
		if got := tc.key == base; got != tc.same {
			t.Errorf("%s: same pool as the default = %v, want %v (%+v vs %+v)", tc.name, got, tc.same, tc.key, base)
		}
	}
	for level := 11; level <= 22; level++ {
		if conf(level, 1<<20, def) != conf(10, 1<<20, def) {
			t.Errorf("level %d does not share level 10's pool", level)
		}
	}
	if conf(3, 1<<20, ZstdEncoderPoolConfig{MaxIdleEncoders: 5, MaxInUseEncoders: 2}) !=
		conf(3, 1<<20, ZstdEncoderPoolConfig{MaxInUseEncoders: 2}) {
		t.Error("an idle limit above a fixed in-use limit must map to the same pool as no idle limit")
	}
	if got := NewConfig().Producer.MaxMessageBytes; got != defaultProducerMaxMessageBytes {
		t.Errorf("NewConfig's Producer.MaxMessageBytes is %d, defaultProducerMaxMessageBytes %d", got, defaultProducerMaxMessageBytes)
	}
}

func TestZstdWindow(t *testing.T) {
	for _, tc := range []struct{ maxMessageBytes, want int }{
		{1, zstdMinWindow},
		{64 << 10, 64 << 10},
		{64<<10 + 1, 128 << 10},
		{1000000, 1 << 20},
		{1 << 20, 1 << 20},
		{1<<20 + 1, 2 << 20},
		{100 << 20, zstdMaxWindow},
	} {
		if got := zstdWindow(tc.maxMessageBytes); got != tc.want {
			t.Errorf("zstdWindow(%d) = %d, want %d", tc.maxMessageBytes, got, tc.want)
		}
	}
}

// TestZstdPoolWaiterNotStarved checks that a caller that holds the only
// encoder nearly all the time, returning and retaking it between
// compressions, cannot keep a waiter out: the waiter, parked first, gets the
// encoder at the next return. On one P, a pool that let the returning
// caller barge would serve the waiter only by chance (such a variant failed
// this test 10 times in 10).
func TestZstdPoolWaiterNotStarved(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	p := newZstdEncoderPool(zstdTestKey(1, 1, 1))
	m := newTestZstdMetricSet(t) // the waiter's
	held, err := p.get(nil)
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan struct{})
	go func() {
		enc, err := p.get(m)
		if err != nil {
			t.Error(err)
		}
		p.put(m, enc)
		close(served)
	}()
	for p.waiters.Load() == 0 { // until the waiter is parked
		runtime.Gosched()
	}
	// Each round compresses a little while holding the encoder. If the
	// waiter is not served by the end, it was starved.
	const rounds = 30_000
	src := zstdTestPayload(1 << 10)
	for i := 0; ; i++ {
		_ = held.EncodeAll(src, nil)
		p.put(nil, held)
		select {
		case <-served:
			if got := m.wait.Count(); got != 1 {
				t.Errorf("waits recorded = %d, want 1", got)
			}
			return
		default:
		}
		if i == rounds {
			t.Fatalf("waiter not served after %d returns of the only encoder", rounds)
		}
		if held, err = p.get(nil); err != nil {
			t.Fatal(err)
		}
	}
}

// TestZstdPoolFollowsGOMAXPROCS changes GOMAXPROCS under a pool with the
// default bound: the bound grows at once for new callers, and when it
// shrinks, the encoder above it is dropped as it comes back, not taken
// from its caller.
func TestZstdPoolFollowsGOMAXPROCS(t *testing.T) {
	if runtime.NumCPU() < 2 {
		t.Skip("needs 2 CPUs: a pool that follows GOMAXPROCS stops at the number of CPUs")
	}
	defer zstdRefreshGOMAXPROCS(true)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	zstdRefreshGOMAXPROCS(true)

	before := NewConfig()
	p := newZstdEncoderPool(newZstdPoolKey(CompressionLevelDefault, before.Producer.MaxMessageBytes, before.Producer.Zstd))
	m := newTestZstdMetricSet(t)
	first, err := p.get(m)
	if err != nil {
		t.Fatal(err)
	}
	waited := make(chan *zstd.Encoder)
	go func() {
		enc, err := p.get(m)
		if err != nil {
			t.Error(err)
		}
		waited <- enc
	}()
	zstdEventually(t, "a caller to wait at GOMAXPROCS 1", func() bool { return p.waiters.Load() == 1 })

	runtime.GOMAXPROCS(2)
	zstdRefreshGOMAXPROCS(true)
	after := NewConfig()
	if newZstdPoolKey(CompressionLevelDefault, after.Producer.MaxMessageBytes, after.Producer.Zstd) != p.key {
		t.Fatal("configs made before and after a GOMAXPROCS change key different pools")
	}
	second, err := p.get(m) // the bound is 2 now: builds without waiting
	if err != nil {
		t.Fatal(err)
	}
	if got := m.wait.Count(); got != 0 {
		t.Fatalf("%d waits recorded before any encoder came back", got)
	}
	p.put(m, second) // handed to the waiter
	third := <-waited

	runtime.GOMAXPROCS(1)
	zstdRefreshGOMAXPROCS(true)
	p.put(m, first) // above the bound of 1: dropped
	if got := p.dropped.Load(); got != 1 {
		t.Errorf("after GOMAXPROCS shrank, %d encoders dropped on return, want 1", got)
	}
	p.put(m, third) // within the bound: kept
	if got, want := [3]int64{p.minted.Load(), p.idleEncoders(), p.inUse()}, [3]int64{1, 1, 0}; got != want {
		t.Errorf("permits, idle, in use = %v, want %v", got, want)
	}
	if got := m.dropped.Count(); got != 1 {
		t.Errorf("zstd-encoders-dropped = %d, want 1", got)
	}
	drainZstdPool(p)
}
