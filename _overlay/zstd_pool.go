package sarama

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/zstd"
)

// zstdPoolKey identifies a process-wide encoder pool. Producers configured
// alike share one pool, and so one bound, however many there are.
type zstdPoolKey struct {
	level    int // Sarama's level: CompressionLevelDefault or a zstd level
	maxIdle  int // at most maxInUse
	maxInUse int
}

// zstdPools maps each zstdPoolKey to its *zstdEncoderPool.
var zstdPools sync.Map

// zstdPoolFor returns the process-wide pool for a level and limits, creating
// it on first use.
func zstdPoolFor(level, maxIdle, maxInUse int) *zstdEncoderPool {
	key := zstdPoolKey{level: level, maxIdle: min(maxIdle, maxInUse), maxInUse: maxInUse}
	if p, ok := zstdPools.Load(key); ok {
		return p.(*zstdEncoderPool)
	}
	// A new pool holds no encoder yet, only an empty channel, so building
	// one that loses the race below wastes next to nothing.
	p, _ := zstdPools.LoadOrStore(key, newZstdEncoderPool(key))
	return p.(*zstdEncoderPool)
}

// zstdEncoderPool lends zstd encoders of one level, at most maxInUse at a
// time, and keeps at most maxIdle of them between uses.
//
// Its channel slots is both the bound and the idle store. A slot holds an
// idle encoder, or nil: a permit to build one. Up to maxInUse permits are
// minted lazily, one per encoder built while no slot was available, and never
// destroyed, so at most maxInUse encoders exist and a send on slots never
// blocks.
//
// Waiting is designed to cost no throughput. A caller that finds no slot and
// no permit parks on wake, not on slots, so a caller returning an encoder
// may take it straight back for its next batch (barging, as sync.Mutex
// allows) instead of handing it over and switching goroutines for every
// compression: measured on 2 cores with 1000 goroutines, that switch cost
// 14% of the throughput of one encoder per core. Each return wakes at most
// one waiter to retry. A woken waiter that loses the race does not queue
// again behind the others: it receives on slots, where channel receivers
// are served first and in order, so it gets the next encoder returned. A
// waiter thus waits for at most one lost race plus the hand-off queue ahead
// of it.
type zstdEncoderPool struct {
	key   zstdPoolKey
	opts  []zstd.EOption
	slots chan *zstd.Encoder

	wake    chan struct{} // holds one token: a waiter should retry
	waiters atomic.Int64  // callers parked on wake (or about to be)
	woken   atomic.Bool   // a token is out and its waiter has not retried yet

	minted   atomic.Int64 // permits minted, <= maxInUse
	nilSlots atomic.Int64 // nil permits now in slots, for the idle gauge
	created  atomic.Int64 // encoders built over the pool's life

	// limitIdle is set when maxIdle < maxInUse; only then must returned
	// encoders be counted, in idle, to drop those beyond maxIdle.
	limitIdle bool
	idle      atomic.Int64
}

func newZstdEncoderPool(key zstdPoolKey) *zstdEncoderPool {
	return &zstdEncoderPool{
		key:       key,
		opts:      zstdEncoderOptions(key.level),
		slots:     make(chan *zstd.Encoder, key.maxInUse),
		wake:      make(chan struct{}, 1),
		limitIdle: key.maxIdle < key.maxInUse,
	}
}

// zstdEncoderOptions configures encoders as upstream Sarama does, so the
// bytes on the wire do not change: one frame per batch, even for empty
// input, and no goroutines of the encoder's own.
func zstdEncoderOptions(level int) []zstd.EOption {
	speed := zstd.SpeedDefault
	if level != CompressionLevelDefault {
		speed = zstd.EncoderLevelFromZstd(level)
	}
	return []zstd.EOption{
		zstd.WithZeroFrames(true),
		zstd.WithEncoderLevel(speed),
		zstd.WithEncoderConcurrency(1),
	}
}

// encode compresses src, appending to dst, with an encoder of the pool.
// m receives the pool's events for the caller; it may be nil.
func (p *zstdEncoderPool) encode(m *zstdPoolMetrics, dst, src []byte) ([]byte, error) {
	return p.encodeWith(m, dst, src, (*zstd.Encoder).EncodeAll)
}

// zstdEncodeFunc is the step that encode lends an encoder to; tests pass one
// that panics.
type zstdEncodeFunc func(enc *zstd.Encoder, src, dst []byte) []byte

func (p *zstdEncoderPool) encodeWith(m *zstdPoolMetrics, dst, src []byte, encodeAll zstdEncodeFunc) ([]byte, error) {
	enc, err := p.get(m)
	if err != nil {
		return nil, err
	}
	done := false
	defer func() {
		if !done {
			// The encoding panicked: the encoder may be half-way through
			// a frame. Return its permit, never the encoder.
			enc = nil
		}
		p.put(enc)
	}()
	dst = encodeAll(enc, src, dst)
	done = true
	return dst, nil
}

// get returns an encoder that no one else uses until it is put back, waiting
// while maxInUse encoders are in use.
func (p *zstdEncoderPool) get(m *zstdPoolMetrics) (*zstd.Encoder, error) {
	select {
	case enc := <-p.slots:
		return p.take(enc, m)
	default:
	}
	if p.mint() {
		return p.build(m)
	}
	return p.wait(m)
}

// wait parks until a slot is free: first on wake, for one retry, then, if a
// returning caller took the slot first, in the hand-off queue on slots.
func (p *zstdEncoderPool) wait(m *zstdPoolMetrics) (*zstd.Encoder, error) {
	start := time.Now()
	p.waiters.Add(1)
	// Counted in waiters before this look, so that a put after it wakes
	// someone: a slot freed in between is never missed.
	select {
	case enc := <-p.slots:
		p.waiters.Add(-1)
		return p.waited(enc, start, m)
	default:
	}
	<-p.wake
	p.woken.Store(false)
	p.waiters.Add(-1)
	return p.waited(<-p.slots, start, m)
}

// waited records a finished wait and, if more slots are free, wakes the
// next waiter: returns that found the token already out woke no one.
func (p *zstdEncoderPool) waited(enc *zstd.Encoder, start time.Time, m *zstdPoolMetrics) (*zstd.Encoder, error) {
	m.waited(time.Since(start))
	if len(p.slots) > 0 {
		p.signal()
	}
	return p.take(enc, m)
}

// take turns a slot into an encoder: the idle encoder it holds, or a new one
// built on its permit.
func (p *zstdEncoderPool) take(enc *zstd.Encoder, m *zstdPoolMetrics) (*zstd.Encoder, error) {
	if enc == nil {
		p.nilSlots.Add(-1)
		return p.build(m)
	}
	if p.limitIdle {
		p.idle.Add(-1)
	}
	return enc, nil
}

// signal wakes one parked waiter, unless one is already woken: waking more
// would only have them race the returning callers and park again.
func (p *zstdEncoderPool) signal() {
	if p.waiters.Load() > 0 && !p.woken.Load() && p.woken.CompareAndSwap(false, true) {
		select {
		case p.wake <- struct{}{}:
		default: // an unclaimed token is still there; its taker retries
		}
	}
}

// mint takes a new permit if fewer than maxInUse exist.
func (p *zstdEncoderPool) mint() bool {
	for {
		n := p.minted.Load()
		if n >= int64(p.key.maxInUse) {
			return false
		}
		if p.minted.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// build makes an encoder for a caller holding a permit. On failure the
// permit goes back to the pool, so a waiter can try in turn.
func (p *zstdEncoderPool) build(m *zstdPoolMetrics) (*zstd.Encoder, error) {
	enc, err := zstd.NewWriter(nil, p.opts...)
	if err != nil {
		p.put(nil)
		return nil, err
	}
	p.created.Add(1)
	m.built()
	return enc, nil
}

// put returns an encoder, or with nil only its permit. An encoder beyond
// maxIdle is dropped and its permit returned in its place.
func (p *zstdEncoderPool) put(enc *zstd.Encoder) {
	if enc != nil && p.limitIdle && p.idle.Add(1) > int64(p.key.maxIdle) {
		p.idle.Add(-1)
		enc = nil
	}
	if enc == nil {
		p.nilSlots.Add(1)
	}
	p.slots <- enc
	p.signal()
}

// inUse is how many encoders (or permits about to build one) are lent out.
func (p *zstdEncoderPool) inUse() int64 {
	return p.minted.Load() - int64(len(p.slots))
}

// idleEncoders is how many built encoders wait in the pool.
func (p *zstdEncoderPool) idleEncoders() int64 {
	return max(int64(len(p.slots))-p.nilSlots.Load(), 0)
}
