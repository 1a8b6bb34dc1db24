package sarama

import (
	"math"
	"sync/atomic"
	"time"
)

// zstdReaperQuarters is how many ticks span a pool's idle time: the reaper
// wakes every quarter of it, so an encoder is dropped at most a quarter of
// the idle time late.
const zstdReaperQuarters = 4

// zstdMinReaperTick keeps a tiny MaxIdleTime from waking the reaper more
// often than is useful.
const zstdMinReaperTick = time.Millisecond

// zstdReaper drops a pool's encoders that no compression needed for the
// pool's idle time. It runs on a timer that is armed only while the pool
// holds idle encoders: a pool at rest with none costs nothing.
//
// The pool's channel is first in, first out, so under a light load every
// idle encoder is used in turn and none is ever idle for long, although
// fewer would do. The reaper therefore counts encoders, not their ages: it
// records, for each quarter of the idle time, the fewest idle encoders seen
// in it, and drops as many as were idle throughout the last four quarters.
// Those were not needed for a whole idle time; which ones go does not
// matter.
type zstdReaper struct {
	pool *zstdEncoderPool

	timer   *time.Timer  // made stopped with the pool
	running atomic.Bool  // a tick is scheduled
	fresh   atomic.Bool  // the next tick starts a new run
	low     atomic.Int64 // fewest idle encoders since the last tick

	// Used by ticks only, which never overlap: each schedules the next.
	quarters [zstdReaperQuarters]int64
	tick     int

	ticks atomic.Int64 // over the pool's life, for tests

	// spareTicks counts the ticks since a compression last used the pool's
	// spare encoder; at zstdReaperQuarters, a whole idle time, it is
	// dropped.
	spareTicks atomic.Int64
}

// init makes the reaper's timer, stopped: a pool at rest runs no timer.
func (r *zstdReaper) init(p *zstdEncoderPool) {
	r.pool = p
	r.timer = time.AfterFunc(math.MaxInt64, r.run)
	r.timer.Stop()
}

func (r *zstdReaper) period() time.Duration {
	return max(r.pool.key.idleTime/zstdReaperQuarters, zstdMinReaperTick)
}

// sawIdle records the idle count left by a get.
func (r *zstdReaper) sawIdle(idle int64) {
	if idle < r.low.Load() {
		// A racing get may store a larger value; the next tick then drops
		// fewer encoders, never more.
		r.low.Store(idle)
	}
}

// sawSpare records that a compression used the pool's spare encoder.
func (r *zstdReaper) sawSpare() {
	r.spareTicks.Store(0)
}

// start schedules the ticks, if they are not scheduled already; put calls
// it when the pool's first idle encoder comes back, encodeNoWait when it
// keeps a spare encoder.
func (r *zstdReaper) start() {
	if r.running.Load() || !r.running.CompareAndSwap(false, true) {
		return
	}
	// A new run counts from now: no encoder has been idle for a quarter yet.
	r.low.Store(r.pool.idleEncoders())
	r.fresh.Store(true)
	r.timer.Reset(r.period())
}

// run is one tick.
func (r *zstdReaper) run() {
	p := r.pool
	zstdRefreshGOMAXPROCS(true)
	if r.fresh.Swap(false) {
		r.quarters = [zstdReaperQuarters]int64{}
	}

	idle := p.idleEncoders()
	r.quarters[r.tick%zstdReaperQuarters] = min(r.low.Swap(idle), idle)
	r.tick++
	r.ticks.Add(1)
	surplus := r.quarters[0]
	for _, q := range r.quarters[1:] {
		surplus = min(surplus, q)
	}
	// A bound that shrank drops the encoders above it too.
	if p.key.maxInUse == 0 {
		surplus = max(surplus, p.minted.Load()-p.bound())
	}

	if n := p.dropIdle(surplus); n > 0 {
		for i := range r.quarters {
			r.quarters[i] = max(r.quarters[i]-n, 0)
		}
		// The dropped encoders were among the fewest idle, but a get may
		// have lowered the mark meanwhile: never below zero.
		for {
			low := r.low.Load()
			if r.low.CompareAndSwap(low, max(low-n, 0)) {
				break
			}
		}
		zstdPoolDropped(p, n)
	}
	if r.spareTicks.Add(1) >= zstdReaperQuarters {
		if spare := p.takeSpare(); spare != nil {
			p.dropped.Add(1)
			zstdPoolDropped(p, 1)
		}
	}

	keep := func() bool { return p.idleEncoders() > 0 || len(p.spare) > 0 }
	if keep() {
		r.timer.Reset(r.period())
		return
	}
	r.running.Store(false)
	// A put or a spare kept may have seen the timer running just before it
	// stopped.
	if keep() && r.running.CompareAndSwap(false, true) {
		r.timer.Reset(r.period())
		return
	}
	zstdPools.mu.Lock()
	p.freeIfUnused()
	zstdPools.mu.Unlock()
}

// zstdPoolDropped counts n encoders that a reaper dropped in the metric
// sets of the producers that use the pool.
func zstdPoolDropped(p *zstdEncoderPool, n int64) {
	zstdPools.mu.Lock()
	defer zstdPools.mu.Unlock()
	for m := range zstdPoolMetricSets[p] {
		m.droppedEncoders(n)
	}
}

// dropIdle takes up to n idle encoders out of the pool and lets them go,
// releasing their permits, and returns how many it dropped.
func (p *zstdEncoderPool) dropIdle(n int64) int64 {
	var dropped int64
	for dropped < n {
		select {
		case enc := <-p.slots:
			if enc != nil {
				p.state.Add(-zstdStateIdle)
				p.dropped.Add(1)
				dropped++
			}
			// A nil is a permit handed on for a waiter that did not need
			// it: released too.
			p.releasePermit()
		default:
			return dropped
		}
	}
	return dropped
}
