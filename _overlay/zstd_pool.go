package sarama

import (
	"sync"
	"time"

	"github.com/klauspost/compress/zstd"
)

// zstdEncoderPool lends the zstd encoders of one key: at most bound() at a
// time, built only when none is idle, and kept for reuse. One mutex guards
// it. The idle encoder returned last is lent first. A caller that finds
// bound() lent waits in a queue, on a channel of its own; a returning
// caller hands the longest waiter its encoder, or a nil permit to build one
// if it is gone (a panic, a failed build), and so cannot take it straight
// back while others wait.
type zstdEncoderPool struct {
	opts []zstd.EOption
	key  zstdPoolKey

	mu      sync.Mutex
	lent    int                  // encoders lent within the bound, or being built
	idle    []*zstd.Encoder      // most recently returned last
	waiters []chan *zstd.Encoder // longest waiting first
	spare   *zstd.Encoder        // outside the bound, for compressions that must not wait

	// idleSince holds when each idle encoder came back, beside it in the
	// same order, and spareSince when the spare did; idleTimer drops those
	// idle for longer than key.idleTime (zstd_idle.go).
	idleSince  []time.Time
	spareSince time.Time
	idleTimer  *time.Timer

	refs int // open producers using the pool; guarded by zstdPools.mu
}

// zstdWaiterChans recycles the waiters' channels: a wait allocates nothing.
var zstdWaiterChans sync.Pool

// zstdLease is an encoder lent for one compression.
type zstdLease struct {
	enc     *zstd.Encoder
	noWait  bool // a compression under a broker's lock (compressNoWait)
	outside bool // lent outside the bound

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

// bound is how many encoders the pool lends at once: GOMAXPROCS, which the
// runtime may change, as compression is CPU bound and more encoders would
// add memory, not throughput.
func (p *zstdEncoderPool) bound() int {
	// A fixed Producer.Zstd.MaxInUseEncoders instead.
	if p.key.maxInUse > 0 {
		return p.key.maxInUse
	}
	return zstdGOMAXPROCS()
}

// acquire lends l an encoder if fewer than bound() are lent, the idle one
// returned last or a new one; otherwise it waits for one.
func (p *zstdEncoderPool) acquire(l *zstdLease) error {
	bound := p.bound() // before the lock: it locks the scheduler
	p.mu.Lock()
	if n := len(p.idle); n > 0 && p.lent < bound {
		l.enc = p.idle[n-1]
		p.idle[n-1] = nil
		p.idle = p.idle[:n-1]
		p.idleSince = p.idleSince[:n-1]
		p.lent++
		p.mu.Unlock()
		return nil
	}
	if p.lent < bound {
		p.lent++
		p.mu.Unlock()
		return p.build(l)
	}
	// Under a broker's lock: the spare or a new encoder, outside the bound.
	if l.noWait {
		l.outside = true
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
	l.enc = <-ready
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
		// Outside the bound, there is no permit to give back.
		if l.outside {
			return err
		}
		p.mu.Lock()
		p.putLocked(l)
		p.mu.Unlock()
		return err
	}
	l.enc = enc
	l.metrics.built()
	return nil
}

// release takes back the encoder of l once its compression is over; done
// false (a panic) drops it, as it may be half-way through a frame.
func (p *zstdEncoderPool) release(l *zstdLease, done bool) {
	if !done {
		l.metrics.drop(zstdDropFailed)
		l.enc = nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if l.outside {
		p.keepSpareLocked(l)
		return
	}
	p.putLocked(l)
}

// putLocked takes back an encoder lent within the bound, or with l.enc nil
// the permit of one that is gone: to the longest waiter, unless the bound
// shrank, else kept idle if there is room. p.mu must be held.
func (p *zstdEncoderPool) putLocked(l *zstdLease) {
	bound := p.bound()
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
