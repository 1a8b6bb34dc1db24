package sarama

import (
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/zstd"
)

// zstdEncoderPool lends zstd encoders of one key, at most bound() at a time,
// and keeps idle ones for reuse.
//
// Its channel slots holds the idle encoders. Permits bound the encoders: a
// caller that finds no idle encoder mints one, if fewer than bound() exist,
// and builds an encoder; the permit lives as long as the encoder. So at most
// bound() encoders exist and, as the channel has room for that many, a send
// on slots never blocks. An encoder that is dropped releases its permit; if
// a caller waits then, the permit is handed to it as a nil slot, to build
// an encoder of its own.
//
// A caller that finds no slot and no permit left parks on a receive from
// slots; the next encoder returned is handed to the longest waiter directly,
// in arrival order, so a wait lasts as long as the queue ahead of it and no
// longer. It costs a goroutine switch per contended compression. Letting a
// returning caller take its encoder straight back (barging, as sync.Mutex
// allows) would save the switch, but a producer compressing back to back
// would then keep the encoder while the others wait: producers need
// predictable waits more than that switch.
//
// Taking an idle encoder is one channel receive and one atomic add, and
// allocates nothing; returning one is an atomic add and a channel send.
type zstdEncoderPool struct {
	key   zstdPoolKey
	opts  []zstd.EOption
	slots chan *zstd.Encoder

	// state holds the two gauges in one word, so that one load reads them
	// together: encoders lent out (or permits being built on) in the high
	// half, idle encoders in the low half.
	state atomic.Int64

	minted  atomic.Int64 // permits in existence: lent out or in slots
	waiters atomic.Int64 // callers parked on slots
	created atomic.Int64 // encoders built over the pool's life
	dropped atomic.Int64 // encoders let go of over the pool's life

	// spare holds at most one encoder, kept outside the bound for
	// compressions that must not wait (encodeNoWait). The gauges do not
	// count it.
	spare chan *zstd.Encoder

	reaper zstdReaper

	refs int // open producers using the pool; guarded by zstdPools.mu
}

const (
	zstdStateLent = 1 << 32 // one encoder or permit lent out
	zstdStateIdle = 1       // one idle encoder
)

func zstdStateIdleOf(s int64) int64 { return s & (zstdStateLent - 1) }

// newZstdEncoderPool returns an empty pool. Its channel has room for the
// largest bound it may have: the fixed bound, or for a pool that follows
// GOMAXPROCS, the number of CPUs (or GOMAXPROCS if that is higher now).
func newZstdEncoderPool(key zstdPoolKey) *zstdEncoderPool {
	capacity := key.maxInUse
	if capacity == 0 {
		capacity = zstdFollowCapacity()
	}
	p := &zstdEncoderPool{
		key:   key,
		opts:  key.encoderOptions(),
		slots: make(chan *zstd.Encoder, capacity),
		spare: make(chan *zstd.Encoder, 1),
	}
	p.reaper.init(p)
	return p
}

// bound is how many encoders may be lent out at once now.
func (p *zstdEncoderPool) bound() int64 {
	if p.key.maxInUse > 0 {
		return int64(p.key.maxInUse)
	}
	return int64(min(zstdGOMAXPROCS(), cap(p.slots)))
}

// encode compresses src, appending to dst, with an encoder of the pool,
// waiting for one if need be. m receives the pool's events for the caller;
// it may be nil.
func (p *zstdEncoderPool) encode(m *zstdMetricSet, dst, src []byte) ([]byte, error) {
	return p.compress(m, true, dst, src, (*zstd.Encoder).EncodeAll)
}

// encodeNoWait compresses like encode, but where encode would wait it uses
// the pool's spare encoder, outside the bound (see acquire). It serves
// compressions that run while a request is encoded under its broker's
// lock, which must not wait for encoders that other producers hold.
func (p *zstdEncoderPool) encodeNoWait(m *zstdMetricSet, dst, src []byte) ([]byte, error) {
	return p.compress(m, false, dst, src, (*zstd.Encoder).EncodeAll)
}

// zstdEncodeFunc is the step that an encoder is lent to; tests pass one
// that panics.
type zstdEncodeFunc func(enc *zstd.Encoder, src, dst []byte) []byte

func (p *zstdEncoderPool) compress(m *zstdMetricSet, wait bool, dst, src []byte, encodeAll zstdEncodeFunc) ([]byte, error) {
	enc, pooled, err := p.acquire(m, wait)
	if err != nil {
		return nil, err
	}
	done := false
	defer func() { p.release(m, enc, pooled, done) }()
	dst = encodeAll(enc, src, dst)
	done = true
	return dst, nil
}

// acquire returns an encoder for one compression: the pool's, waiting for
// one if wait is set; otherwise, where that would mean waiting, one outside
// the bound (pooled false): the pool's spare, built the first time and
// kept by release for the next such compression, or, if another
// compression has the spare, one built for this compression only, as the
// encoder cache did whenever it was empty. The spare is enough for the
// common case of a compression that runs while the goroutines holding the
// pool's encoders are descheduled.
func (p *zstdEncoderPool) acquire(m *zstdMetricSet, wait bool) (enc *zstd.Encoder, pooled bool, err error) {
	if wait {
		enc, err = p.get(m)
		return enc, err == nil, err
	}
	if enc, ok, err := p.tryGet(m); ok {
		return enc, err == nil, err
	}
	if enc = p.takeSpare(); enc != nil {
		return enc, false, nil
	}
	if enc, err = zstd.NewWriter(nil, p.opts...); err != nil {
		return nil, false, err
	}
	p.created.Add(1)
	m.built()
	return enc, false, nil
}

// release gives back what acquire returned once the compression is done.
// An encoder whose compression did not finish (a panic) may be half-way
// through a frame: only its permit goes back. An encoder from outside the
// bound becomes the spare if there is none, and is dropped otherwise.
func (p *zstdEncoderPool) release(m *zstdMetricSet, enc *zstd.Encoder, pooled, done bool) {
	if !pooled {
		if done && p.keepSpare(enc) {
			p.reaper.sawSpare()
			p.reaper.start()
			return
		}
		p.drop(m, 1)
		return
	}
	if !done {
		p.drop(m, 1)
		enc = nil
	}
	p.put(m, enc)
}

// get returns an encoder that no one else uses until it is put back, waiting
// while bound() encoders are lent out.
func (p *zstdEncoderPool) get(m *zstdMetricSet) (*zstd.Encoder, error) {
	if enc, ok, err := p.tryGet(m); ok {
		return enc, err
	}
	start := time.Now()
	p.waiters.Add(1)
	// A permit released after tryGet's mint failed but before this caller
	// counted as a waiter was handed to no one: try once more.
	// releasePermit counts first and looks for waiters second, so one of
	// the two sees the other.
	if p.mint() {
		p.waiters.Add(-1)
		return p.took(m, nil)
	}
	enc := <-p.slots
	p.waiters.Add(-1)
	m.waited(time.Since(start))
	return p.took(m, enc)
}

// tryGet returns an idle encoder, or builds one if fewer than bound() are
// lent out; ok is false if it would have to wait. err is a failed build.
func (p *zstdEncoderPool) tryGet(m *zstdMetricSet) (enc *zstd.Encoder, ok bool, err error) {
	select {
	case enc := <-p.slots:
		enc, err = p.took(m, enc)
		return enc, true, err
	default:
	}
	if p.mint() {
		enc, err = p.took(m, nil)
		return enc, true, err
	}
	return nil, false, nil
}

// took accounts for what get obtained: an idle encoder, or with nil a
// permit to build one.
func (p *zstdEncoderPool) took(m *zstdMetricSet, enc *zstd.Encoder) (*zstd.Encoder, error) {
	if enc == nil {
		p.state.Add(zstdStateLent)
		return p.build(m)
	}
	s := p.state.Add(zstdStateLent - zstdStateIdle)
	p.reaper.sawIdle(zstdStateIdleOf(s))
	return enc, nil
}

// mint takes a new permit if fewer than bound() exist. It reads GOMAXPROCS
// afresh if the cached value is stale: callers reach it only when no encoder
// is idle, about to build one or to wait.
func (p *zstdEncoderPool) mint() bool {
	if p.key.maxInUse == 0 {
		zstdRefreshGOMAXPROCS(false)
	}
	bound := p.bound()
	for {
		n := p.minted.Load()
		if n >= bound {
			return false
		}
		if p.minted.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// releasePermit destroys the permit of an encoder that is gone (dropped,
// failed to build, or panicked). If a caller waits, it mints one for it
// and hands it over as a nil slot: otherwise a waiter that saw every permit
// taken could wait for one that no longer exists.
func (p *zstdEncoderPool) releasePermit() {
	p.minted.Add(-1)
	if p.waiters.Load() > 0 && p.mint() {
		p.slots <- nil
	}
}

// retire destroys the permit of a returning encoder if more permits exist
// than the bound allows, which happens when GOMAXPROCS shrinks. At least
// bound() permits remain, each lent out or idle, so waiters are still
// served.
func (p *zstdEncoderPool) retire() bool {
	if p.key.maxInUse > 0 {
		return false
	}
	bound := p.bound()
	for {
		n := p.minted.Load()
		if n <= bound {
			return false
		}
		if p.minted.CompareAndSwap(n, n-1) {
			return true
		}
	}
}

// build makes an encoder for a caller holding a permit. On failure the
// permit is released, so a waiter can try in turn.
func (p *zstdEncoderPool) build(m *zstdMetricSet) (*zstd.Encoder, error) {
	enc, err := zstd.NewWriter(nil, p.opts...)
	if err != nil {
		p.put(m, nil)
		return nil, err
	}
	p.created.Add(1)
	m.built()
	return enc, nil
}

// put returns an encoder, or with nil the permit of one that is gone. An
// encoder beyond maxIdle, or above a bound that shrank, is dropped.
func (p *zstdEncoderPool) put(m *zstdMetricSet, enc *zstd.Encoder) {
	if enc == nil {
		p.state.Add(-zstdStateLent)
		p.releasePermit()
		return
	}
	if p.retire() {
		p.state.Add(-zstdStateLent)
		p.drop(m, 1)
		return
	}
	var s int64
	if p.key.maxIdle > 0 {
		for {
			old := p.state.Load()
			if zstdStateIdleOf(old) >= int64(p.key.maxIdle) {
				p.state.Add(-zstdStateLent)
				p.drop(m, 1)
				p.releasePermit()
				return
			}
			s = old - zstdStateLent + zstdStateIdle
			if p.state.CompareAndSwap(old, s) {
				break
			}
		}
	} else {
		s = p.state.Add(zstdStateIdle - zstdStateLent)
	}
	if zstdStateIdleOf(s) == 1 {
		p.reaper.start()
	}
	p.slots <- enc
}

// drop counts encoders let go of by a caller's return.
func (p *zstdEncoderPool) drop(m *zstdMetricSet, n int64) {
	p.dropped.Add(n)
	m.droppedEncoders(n)
}

// takeSpare takes the pool's spare encoder, or returns nil if it has none.
func (p *zstdEncoderPool) takeSpare() *zstd.Encoder {
	select {
	case enc := <-p.spare:
		return enc
	default:
		return nil
	}
}

// keepSpare makes enc the pool's spare, unless it has one.
func (p *zstdEncoderPool) keepSpare(enc *zstd.Encoder) bool {
	select {
	case p.spare <- enc:
		return true
	default:
		return false
	}
}
