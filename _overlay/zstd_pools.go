package sarama

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// zstdPools is the process-wide map of encoder pools. A pool is created by
// the first producer (or producer-less compression) of its key and freed
// once no open producer uses it and it holds no encoder, so that distinct
// configurations cannot accumulate pools.
var zstdPools = struct {
	mu    sync.Mutex
	byKey map[zstdPoolKey]*zstdEncoderPool
}{byKey: make(map[zstdPoolKey]*zstdEncoderPool)}

// acquireZstdPool returns the pool of key, counting the caller among its
// users until releaseZstdPool. m, if not nil, sums the pool into its gauges
// and counts the encoders the pool drops.
func acquireZstdPool(key zstdPoolKey, m *zstdMetricSet) *zstdEncoderPool {
	zstdPools.mu.Lock()
	defer zstdPools.mu.Unlock()
	p := zstdPools.byKey[key]
	if p == nil {
		p = newZstdEncoderPool(key)
		zstdPools.byKey[key] = p
	}
	p.refs++
	m.addPool(p)
	return p
}

// releaseZstdPool undoes one acquireZstdPool and frees the pool if that was
// its last user and it holds no encoder. Idle encoders stay for the pool's
// idle time, for the next producer of the key; the reaper frees the pool
// after dropping them.
func releaseZstdPool(p *zstdEncoderPool, m *zstdMetricSet) {
	zstdPools.mu.Lock()
	defer zstdPools.mu.Unlock()
	p.refs--
	m.removePool(p)
	p.freeIfUnused()
}

// freeIfUnused removes the pool from the map if no producer uses it and it
// holds no encoder, lent or idle. zstdPools.mu must be held. A later
// acquire of the key builds a new pool; this one's channel, with any nil
// permits in it, is garbage.
func (p *zstdEncoderPool) freeIfUnused() {
	if p.refs == 0 && p.state.Load() == 0 && zstdPools.byKey[p.key] == p {
		delete(zstdPools.byKey, p.key)
	}
}

// zstdDefaultPools holds the default pool of each encoder level, found
// without a lock. They stay for the life of the process (one per level, four
// at most); their idle encoders are still dropped after the idle time.
var zstdDefaultPools sync.Map // zstd.EncoderLevel -> *zstdEncoderPool

func zstdDefaultPool(level int) *zstdEncoderPool {
	speed := zstdSpeed(level)
	if p, ok := zstdDefaultPools.Load(speed); ok {
		return p.(*zstdEncoderPool)
	}
	p := acquireZstdPool(zstdDefaultPoolKey(level), nil) // never released
	held, loaded := zstdDefaultPools.LoadOrStore(speed, p)
	if loaded {
		releaseZstdPool(p, nil)
	}
	return held.(*zstdEncoderPool)
}

// zstdProcs caches runtime.GOMAXPROCS(0), which takes the scheduler's lock,
// for the pools that follow it. Since Go 1.25 the runtime changes GOMAXPROCS
// at most once a second when the container's CPU limit changes; the cache
// is read afresh at most every zstdProcsMaxAge, by callers about to build
// an encoder or wait for one and by the reapers of idle encoders.
var zstdProcs struct {
	n    atomic.Int64
	read atomic.Int64 // when n was read, in Unix nanoseconds
}

const zstdProcsMaxAge = 100 * time.Millisecond

// zstdGOMAXPROCS is the cached GOMAXPROCS.
func zstdGOMAXPROCS() int {
	if n := zstdProcs.n.Load(); n > 0 {
		return int(n)
	}
	return zstdRefreshGOMAXPROCS(true)
}

// zstdRefreshGOMAXPROCS reads GOMAXPROCS again if the cached value is older
// than zstdProcsMaxAge, or always if force is set.
func zstdRefreshGOMAXPROCS(force bool) int {
	now := time.Now().UnixNano()
	if !force && now-zstdProcs.read.Load() < int64(zstdProcsMaxAge) {
		return int(zstdProcs.n.Load())
	}
	n := max(runtime.GOMAXPROCS(0), 1)
	zstdProcs.n.Store(int64(n))
	zstdProcs.read.Store(now)
	return n
}

// zstdFollowCapacity is the largest bound of a pool that follows
// GOMAXPROCS. The runtime's own changes keep GOMAXPROCS at or below the
// number of CPUs; a program that sets it higher gains no compression
// throughput from more encoders than CPUs.
func zstdFollowCapacity() int {
	return max(runtime.NumCPU(), zstdRefreshGOMAXPROCS(true))
}
