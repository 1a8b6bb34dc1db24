package sarama

import (
	"slices"
	"time"

	"github.com/rcrowley/go-metrics"
)

// Release by age: an encoder that no compression needed for the pool's
// idle time (Producer.Zstd.MaxIdleTime) is dropped, so that a process whose
// load falls gives the memory back. The idle stack holds the oldest at its
// bottom; a timer, armed only while the pool keeps an idle encoder or a
// spare, wakes when the oldest expires and drops every expired one. It
// wakes at most every quarter of the idle time, so that encoders returned
// close together go together, at most a quarter of it late.

// zstdDefaultMaxIdleTime is how long an idle encoder is kept by default.
// Rebuilding one costs about 1 ms at the default level and 6 to 10 ms at
// level 19; keeping one costs 1.3 MB at the default level and 36 MB at
// level 19. A minute bounds the rebuilds of a producer that sends less
// often than that to one per encoder per minute, under 0.02% of a core,
// and gives an idle process's encoder memory back within 75 seconds.
const zstdDefaultMaxIdleTime = time.Minute

// zstdMinMaxIdleTime is the shortest MaxIdleTime: shorter ones would drop
// encoders between a producer's batches, for nothing but rebuilds.
const zstdMinMaxIdleTime = 10 * time.Millisecond

// zstdDroppedIdleTime counts the encoders dropped for their idle time by
// every pool of the process: no producer causes these drops.
var zstdDroppedIdleTime = metrics.NewCounter()

// zstdIdleExpired decides, at now, how many of the idle encoders returned
// at since (oldest first) have been idle for idleTime and go: the oldest
// ones. next is when to look again, from now: when the oldest left
// expires, but at least a quarter of idleTime; 0 if none is left.
func zstdIdleExpired(since []time.Time, now time.Time, idleTime time.Duration) (expired int, next time.Duration) {
	for expired < len(since) && now.Sub(since[expired]) >= idleTime {
		expired++
	}
	if expired == len(since) {
		return expired, 0
	}
	return expired, max(since[expired].Add(idleTime).Sub(now), idleTime/4)
}

// startIdleTimerLocked arms the idle timer when the pool's first idle
// encoder (or its spare) comes back; while any is kept, the timer is armed
// already. p.mu must be held.
func (p *zstdEncoderPool) startIdleTimerLocked() {
	if len(p.idle)+p.spares() != 1 {
		return
	}
	if p.idleTimer == nil {
		p.idleTimer = time.AfterFunc(p.key.idleTime, p.releaseIdle)
		return
	}
	p.idleTimer.Reset(p.key.idleTime)
}

func (p *zstdEncoderPool) spares() int {
	if p.spare == nil {
		return 0
	}
	return 1
}

// releaseIdle is the idle timer's: it drops the encoders that expired and
// arms the timer for the others, or frees a pool that no producer uses
// once it keeps none. The spare goes at the first wake after its idle
// time; the timer wakes at least every quarter of it while one is kept.
func (p *zstdEncoderPool) releaseIdle() {
	p.mu.Lock()
	now, idleTime := time.Now(), p.key.idleTime
	n, next := zstdIdleExpired(p.idleSince, now, idleTime)
	p.idle = slices.Delete(p.idle, 0, n)
	p.idleSince = slices.Delete(p.idleSince, 0, n)
	if p.spare != nil && now.Sub(p.spareSince) >= idleTime {
		p.spare, n = nil, n+1
	}
	if p.spare != nil && (next == 0 || next > idleTime/4) {
		next = idleTime / 4
	}
	if next > 0 {
		p.idleTimer.Reset(next)
	}
	p.mu.Unlock()
	zstdDroppedIdleTime.Inc(int64(n))
	if next == 0 {
		p.freeIfUnused()
	}
}

// keepsIdle tells whether the pool keeps an idle encoder or a spare.
func (p *zstdEncoderPool) keepsIdle() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.idle)+p.spares() > 0
}

// freeIfUnused frees a producers' pool that no producer uses once it keeps
// no encoder.
func (p *zstdEncoderPool) freeIfUnused() {
	zstdPools.mu.Lock()
	defer zstdPools.mu.Unlock()
	if p.refs == 0 && zstdPools.byKey[p.key] == p && !p.keepsIdle() {
		delete(zstdPools.byKey, p.key)
	}
}
