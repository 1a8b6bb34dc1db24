package workload

import (
	"github.com/rcrowley/go-metrics"
)

// Names of the fork's zstd encoder pool metrics (see DEVELOPERS.md). They are
// read by name from each producer's registry, which compiles against any
// Sarama: with upstream or legacy builds they are simply absent.
const (
	MetricEncodersCreated = "zstd-encoders-created"
	MetricEncoderWait     = "zstd-encoder-wait-time-in-ms"
	MetricEncodersInUse   = "zstd-encoders-in-use"
	MetricEncodersIdle    = "zstd-encoders-idle"
)

// PoolMetrics is the pool activity seen by one or more producers.
type PoolMetrics struct {
	Present        int   // producers whose registry had zstd-encoders-created
	EncodersCreate int64 // sum of zstd-encoders-created
	Waits          int64 // sum of zstd-encoder-wait-time-in-ms counts
	// waitSum and waitP99 are combined from per-producer histograms: the
	// mean exactly (count-weighted), p99 as the largest per-producer p99,
	// an upper bound of the true p99 that needs no sample merging.
	waitSum float64
	WaitP99 float64
	// Held is the encoders the pools hold, lent or idle (zstd-encoders-in-use
	// plus zstd-encoders-idle). The gauges count the whole process, the
	// same in every registry, so combining producers keeps the largest
	// value instead of adding them up.
	Held int64
}

// WaitMeanMillis is the mean wait for a free encoder, in milliseconds.
func (m PoolMetrics) WaitMeanMillis() float64 {
	if m.Waits == 0 {
		return 0
	}
	return m.waitSum / float64(m.Waits)
}

// ReadPoolMetrics reads the pool metrics from one registry. It must be
// called before the producer is closed: Sarama unregisters a producer's
// metrics on shutdown.
func ReadPoolMetrics(r metrics.Registry) PoolMetrics {
	var m PoolMetrics
	if c, ok := r.Get(MetricEncodersCreated).(metrics.Counter); ok {
		m.Present = 1
		m.EncodersCreate = c.Count()
	}
	if h, ok := r.Get(MetricEncoderWait).(metrics.Histogram); ok {
		s := h.Snapshot()
		m.Waits = s.Count()
		m.waitSum = s.Mean() * float64(s.Count())
		m.WaitP99 = s.Percentile(0.99)
	}
	for _, name := range []string{MetricEncodersInUse, MetricEncodersIdle} {
		if g, ok := r.Get(name).(metrics.Gauge); ok {
			m.Held += g.Snapshot().Value()
		}
	}
	return m
}

// Add combines the metrics of another producer into m.
func (m *PoolMetrics) Add(o PoolMetrics) {
	m.Present += o.Present
	m.EncodersCreate += o.EncodersCreate
	m.Waits += o.Waits
	m.waitSum += o.waitSum
	m.WaitP99 = max(m.WaitP99, o.WaitP99)
	m.Held = max(m.Held, o.Held)
}
