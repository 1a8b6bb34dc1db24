package sarama

import (
	"sync"
	"time"

	"github.com/klauspost/compress/zstd"
)

// zstdEncoderPool lends the zstd encoders of one key: at most bound() at a
// time, built only when none is idle, and kept for reuse when they come
// back.
//
// One mutex guards it. Idle encoders are a stack: the one returned last is
// lent first, so that a light load keeps reusing the same few. A caller
// that finds bound() encoders lent joins a queue of waiters, each parked on
// a channel of its own, and is served in arrival order: a returning caller
// hands its encoder to the longest waiter, or, if the encoder is gone (its
// compression panicked, or it could not be built), a nil permit to build
// one. A wait so lasts as long as the queue ahead of it, and a caller that
// compresses back to back cannot take its encoder straight back while
// others wait.
type zstdEncoderPool struct {
	opts []zstd.EOption
	key  zstdPoolKey

	mu      sync.Mutex
	lent    int                  // encoders lent within the bound, or being built
	idle    []*zstd.Encoder      // most recently returned last
	waiters []chan *zstd.Encoder // longest waiting first

	// spare is an encoder kept outside the bound for compressions that
	// must not wait (see acquire); nil if there is none.
	spare *zstd.Encoder

	// idleSince holds when each idle encoder came back, beside it in the
	// same order, and spareSince when the spare did; idleTimer drops those
	// idle for longer than key.idleTime (zstd_idle.go).
	idleSince  []time.Time
	spareSince time.Time
	idleTimer  *time.Timer

	refs int // open producers using the pool; guarded by zstdPools.mu
}

// zstdWaiterChans recycles the waiters' channels, so that a wait
// allocates nothing.
var zstdWaiterChans sync.Pool

// zstdLease is an encoder lent for one compression, with what release
// needs to take it back.
type zstdLease struct {
	enc    *zstd.Encoder
	pooled bool // lent within the bound; false for an encoder outside it

	// metrics counts the lease's events for the producer that took it; nil
	// counts nothing.
	metrics *zstdMetrics
}

func newZstdEncoderPool(key zstdPoolKey) *zstdEncoderPool {
	p := &zstdEncoderPool{opts: key.encoderOptions()}
	// The key holds the limits of a producer's pool, and finds it again in
	// zstdPools.
	p.key = key
	return p
}

// bound is how many encoders the pool lends at once: GOMAXPROCS, which
// follows the CPUs the process may use, as compression is CPU bound and
// more encoders would add memory, not throughput. fresh rereads a stale
// GOMAXPROCS (see zstdGOMAXPROCS).
func (p *zstdEncoderPool) bound(fresh bool) int {
	// A fixed Producer.Zstd.MaxInUseEncoders instead.
	if p.key.maxInUse > 0 {
		return p.key.maxInUse
	}
	return zstdGOMAXPROCS(fresh)
}

// compress compresses src, appending to dst, with an encoder of the pool;
// wait as for acquire.
func (p *zstdEncoderPool) compress(dst, src []byte, wait bool) ([]byte, error) {
	var l zstdLease
	if err := p.acquire(&l, wait); err != nil {
		return nil, err
	}
	done := false
	defer func() { p.release(&l, done) }()
	dst = l.enc.EncodeAll(src, dst)
	done = true
	return dst, nil
}

// acquire lends l an encoder: the idle one returned last, or a new one if
// fewer than bound() are lent. Otherwise, with wait, it waits for one.
// Without wait (compressions under a broker's lock, which must not wait
// for encoders that other producers hold), it lends the pool's spare,
// outside the bound, built the first time; or, if another compression has
// the spare, an encoder built for this compression alone, as the encoder
// cache did whenever it was empty.
func (p *zstdEncoderPool) acquire(l *zstdLease, wait bool) error {
	p.mu.Lock()
	if n := len(p.idle); n > 0 {
		l.enc, l.pooled = p.idle[n-1], true
		p.idle[n-1] = nil
		p.idle = p.idle[:n-1]
		p.idleSince = p.idleSince[:n-1]
		p.lent++
		p.mu.Unlock()
		return nil
	}
	if p.lent < p.bound(true) {
		p.lent++
		p.mu.Unlock()
		l.pooled = true
		return p.build(l)
	}
	if !wait {
		l.enc, p.spare = p.spare, nil
		p.mu.Unlock()
		if l.enc != nil {
			return nil
		}
		return p.build(l)
	}
	ready, _ := zstdWaiterChans.Get().(chan *zstd.Encoder)
	if ready == nil {
		ready = make(chan *zstd.Encoder, 1)
	}
	p.waiters = append(p.waiters, ready)
	p.mu.Unlock()
	start := time.Now()
	l.enc, l.pooled = <-ready, true
	zstdWaiterChans.Put(ready) // empty again: each waiter is handed one encoder
	l.metrics.waited(time.Since(start))
	if l.enc == nil {
		return p.build(l)
	}
	return nil
}

// build makes the encoder of a lease. A lease within the bound that fails
// gives its permit back, so that a waiter can try in turn.
func (p *zstdEncoderPool) build(l *zstdLease) error {
	enc, err := zstd.NewWriter(nil, p.opts...)
	if err != nil {
		if l.pooled {
			p.mu.Lock()
			p.putLocked(l)
			p.mu.Unlock()
		}
		return err
	}
	l.enc = enc
	l.metrics.built()
	return nil
}

// release takes back the encoder of l once its compression is over. done
// is false if the compression did not finish (a panic): the encoder may be
// half-way through a frame and is dropped. An encoder from outside the
// bound becomes the spare if the pool has none, and is dropped otherwise.
func (p *zstdEncoderPool) release(l *zstdLease, done bool) {
	if !done {
		l.metrics.drop(zstdDropFailed)
		l.enc = nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if l.pooled {
		p.putLocked(l)
		return
	}
	if l.enc == nil {
		return
	}
	if p.spare != nil {
		l.metrics.drop(zstdDropIdleLimit)
		return
	}
	p.spare = l.enc
	p.spareSince = time.Now()
	p.startIdleTimerLocked()
}

// putLocked takes back an encoder lent within the bound, or with l.enc nil
// the permit of one that is gone. The longest waiter gets it, unless the
// bound shrank below the encoders lent; otherwise the encoder is kept idle
// if the pool has room for it. p.mu must be held.
func (p *zstdEncoderPool) putLocked(l *zstdLease) {
	bound := p.bound(false)
	if len(p.waiters) > 0 && p.lent <= bound {
		p.waiters[0] <- l.enc
		p.waiters[0] = nil
		p.waiters = p.waiters[1:]
		return
	}
	p.lent--
	if l.enc == nil {
		return
	}
	// More encoders than the bound exist only if GOMAXPROCS shrank.
	if p.lent+len(p.idle) >= bound {
		l.metrics.drop(zstdDropGOMAXPROCS)
		return
	}
	// A fixed Producer.Zstd.MaxIdleEncoders, below the bound.
	if p.key.maxIdle > 0 && len(p.idle) >= p.key.maxIdle {
		l.metrics.drop(zstdDropIdleLimit)
		return
	}
	p.idle = append(p.idle, l.enc)
	p.idleSince = append(p.idleSince, time.Now())
	p.startIdleTimerLocked()
}
