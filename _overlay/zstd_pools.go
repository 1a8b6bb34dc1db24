package sarama

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// zstdDefaultPools holds the default pool of each encoder level (see
// zstdDefaultPoolKey), made on first use and kept for the life of the
// process, as the encoder cache was: four at most.
var zstdDefaultPools sync.Map // zstd.EncoderLevel -> *zstdEncoderPool

// zstdDefaultPool returns the default pool of a compression level.
func zstdDefaultPool(level int) *zstdEncoderPool {
	speed := zstdSpeed(level)
	if p, ok := zstdDefaultPools.Load(speed); ok {
		return p.(*zstdEncoderPool)
	}
	p, _ := zstdDefaultPools.LoadOrStore(speed, newZstdEncoderPool(zstdDefaultPoolKey(level)))
	return p.(*zstdEncoderPool)
}

// zstdProcs caches runtime.GOMAXPROCS(0), which takes the scheduler's lock,
// for the pools whose bound follows it. Since Go 1.25 the runtime changes
// GOMAXPROCS while a process runs, when its CPU limit changes.
var zstdProcs struct {
	n    atomic.Int64
	read atomic.Int64 // when n was read, in Unix nanoseconds
}

const zstdProcsMaxAge = 100 * time.Millisecond

// zstdGOMAXPROCS returns the cached GOMAXPROCS. With fresh, it reads it
// again if the cached value is older than zstdProcsMaxAge: callers that
// find no idle encoder, about to build one or wait, set it.
func zstdGOMAXPROCS(fresh bool) int {
	n := zstdProcs.n.Load()
	if n > 0 && !fresh {
		return int(n)
	}
	now := time.Now().UnixNano()
	if n > 0 && now-zstdProcs.read.Load() < int64(zstdProcsMaxAge) {
		return int(n)
	}
	n = int64(runtime.GOMAXPROCS(0))
	zstdProcs.n.Store(n)
	zstdProcs.read.Store(now)
	return int(n)
}
