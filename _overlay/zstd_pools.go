package sarama

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// zstdDefaultPools holds the default pool of each encoder level, made on
// first use and kept, as the encoder cache was: four at most.
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

// zstdProcs caches GOMAXPROCS: reading it locks the scheduler, which the
// pools would otherwise do twice per compression.
var zstdProcs struct {
	n, read atomic.Int64 // GOMAXPROCS, and when it was read (Unix ns)
}

// zstdGOMAXPROCS returns GOMAXPROCS as read at most 100 ms ago.
func zstdGOMAXPROCS() int {
	now := time.Now().UnixNano()
	if now-zstdProcs.read.Load() < int64(100*time.Millisecond) {
		return int(zstdProcs.n.Load())
	}
	n := runtime.GOMAXPROCS(0)
	zstdProcs.n.Store(int64(n)) // before read: whoever sees read fresh sees n
	zstdProcs.read.Store(now)
	return n
}
