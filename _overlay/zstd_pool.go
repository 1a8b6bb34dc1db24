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
// A caller that finds no slot and no permit left parks on a receive from
// slots; the next encoder returned is handed to the longest waiter directly,
// in arrival order, so a wait lasts as long as the queue ahead of it and no
// longer. It costs a goroutine switch per contended compression. The
// alternatives were measured (README.md, "How the pool works"): a permit
// semaphore ran no faster; nor did spinning before parking, which cannot win
// an encoder while others are parked, as they are served first. Letting a
// returning caller take its encoder straight back (barging, as sync.Mutex
// allows) saved the switch, but with 300 producers the compressions that
// waited averaged 1.1 s against 27-36 ms here. Producers need predictable
// waits more than those percent.
type zstdEncoderPool struct {
	key   zstdPoolKey
	opts  []zstd.EOption
	slots chan *zstd.Encoder

	waiters atomic.Int64 // callers parked on slots

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
	var enc *zstd.Encoder
	select {
	case enc = <-p.slots:
	default:
		if p.mint() {
			return p.build(m)
		}
		start := time.Now()
		p.waiters.Add(1)
		enc = <-p.slots
		p.waiters.Add(-1)
		m.waited(time.Since(start))
	}
	if enc == nil {
		p.nilSlots.Add(-1)
		return p.build(m)
	}
	if p.limitIdle {
		p.idle.Add(-1)
	}
	return enc, nil
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
}

// inUse is how many encoders (or permits about to build one) are lent out.
func (p *zstdEncoderPool) inUse() int64 {
	return p.minted.Load() - int64(len(p.slots))
}

// idleEncoders is how many built encoders wait in the pool.
func (p *zstdEncoderPool) idleEncoders() int64 {
	return max(int64(len(p.slots))-p.nilSlots.Load(), 0)
}
