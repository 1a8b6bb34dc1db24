package sarama

import (
	"time"

	"github.com/rcrowley/go-metrics"
)

// zstdMetrics counts what a producer's compressions cause: encoders built,
// waits for an encoder, and encoders dropped on their return, by reason.
// They are registered like the producer's other metrics, through its
// cleanup registry, so that they leave the registry when it closes;
// producers sharing a registry share them. A nil *zstdMetrics counts
// nothing.
type zstdMetrics struct {
	created metrics.Counter
	wait    metrics.Histogram
	dropped [zstdDropReasons]metrics.Counter
}

// zstdDrop is why an encoder returned by a compression was dropped.
type zstdDrop int

const (
	zstdDropIdleLimit  zstdDrop = iota // no room to keep it: Producer.Zstd.MaxIdleEncoders, or a second spare
	zstdDropGOMAXPROCS                 // above a bound that GOMAXPROCS lowered
	zstdDropFailed                     // its compression panicked
	zstdDropReasons
)

var zstdDropMetricNames = [zstdDropReasons]string{
	"zstd-encoders-dropped-idle-limit",
	"zstd-encoders-dropped-gomaxprocs",
	"zstd-encoders-dropped-failed",
}

// The pools' state belongs to no producer: the gauges count the encoders of
// every pool of the process, whichever producers use them, and show the
// same value in every registry.
var (
	zstdEncodersInUse = metrics.NewFunctionalGauge(func() int64 { n, _ := zstdEncoders(); return n })
	zstdEncodersIdle  = metrics.NewFunctionalGauge(func() int64 { _, n := zstdEncoders(); return n })
)

// registerMetrics registers the producer's zstd metrics in r, its cleanup
// registry. A nil handle does nothing.
func (c *zstdCompressor) registerMetrics(r metrics.Registry) {
	if c == nil {
		return
	}
	m := &zstdMetrics{
		created: metrics.GetOrRegisterCounter("zstd-encoders-created", r),
		wait:    getOrRegisterHistogram("zstd-encoder-wait-time-in-ms", r),
	}
	for reason, name := range zstdDropMetricNames {
		m.dropped[reason] = metrics.GetOrRegisterCounter(name, r)
	}
	r.GetOrRegister("zstd-encoders-in-use", zstdEncodersInUse)
	r.GetOrRegister("zstd-encoders-idle", zstdEncodersIdle)
	r.GetOrRegister("zstd-encoders-dropped-idle-time", zstdDroppedIdleTime)
	c.metrics = m
}

func (m *zstdMetrics) built() {
	if m != nil {
		m.created.Inc(1)
	}
}

func (m *zstdMetrics) waited(d time.Duration) {
	if m != nil {
		m.wait.Update(d.Milliseconds())
	}
}

func (m *zstdMetrics) drop(reason zstdDrop) {
	if m != nil {
		m.dropped[reason].Inc(1)
	}
}

// zstdEncoders counts the encoders lent and kept idle (spares included) by
// every pool of the process.
func zstdEncoders() (inUse, idle int64) {
	count := func(p *zstdEncoderPool) {
		p.mu.Lock()
		inUse += int64(p.lent)
		idle += int64(len(p.idle))
		if p.spare != nil {
			idle++
		}
		p.mu.Unlock()
	}
	zstdDefaultPools.Range(func(_, p any) bool {
		count(p.(*zstdEncoderPool))
		return true
	})
	zstdPools.mu.Lock()
	defer zstdPools.mu.Unlock()
	for _, p := range zstdPools.byKey {
		count(p)
	}
	return inUse, idle
}
