package sarama

import (
	"reflect"
	"sync/atomic"
	"time"

	"github.com/rcrowley/go-metrics"
)

// Names of the zstd pools' metrics, registered in the producers'
// Config.MetricRegistry.
const (
	zstdEncodersCreatedMetric  = "zstd-encoders-created"
	zstdEncodersDroppedMetric  = "zstd-encoders-dropped"
	zstdEncoderWaitMetric      = "zstd-encoder-wait-time-in-us"
	zstdEncoderWaitTotalMetric = "zstd-encoder-wait-time-total-in-ns"
	zstdEncodersInUseMetric    = "zstd-encoders-in-use"
	zstdEncodersIdleMetric     = "zstd-encoders-idle"
)

// zstdMetricSet is the zstd metrics of one registry, shared by every open
// producer whose Config.MetricRegistry it is. Producers sharing a registry
// (one Config reused, or an application-wide registry) share the set: its
// counters add up what they caused, and its gauges sum the pools they use.
//
// The metrics are registered in the registry itself, not through the
// producer's cleanup wrapper, and stay there while any producer of the
// registry is open: closing one producer does not take away the others'
// metrics. The last one to close unregisters them.
type zstdMetricSet struct {
	registry metrics.Registry

	created   metrics.Counter
	dropped   metrics.Counter
	wait      metrics.Histogram
	waitTotal metrics.Counter
	inUse     metrics.Gauge
	idle      metrics.Gauge

	// pools is what the gauges sum, replaced whole under zstdPools.mu so
	// that reading it takes no lock. Guarded by zstdPools.mu: refs, poolRefs.
	pools    atomic.Pointer[[]*zstdEncoderPool]
	refs     int
	poolRefs map[*zstdEncoderPool]int
}

// zstdMetricSets maps each registry to its set. Guarded by zstdPools.mu.
var zstdMetricSets = make(map[metrics.Registry]*zstdMetricSet)

// acquireZstdMetricSet returns the set of registry, registering its metrics
// if no open producer has yet; nil for a nil registry.
func acquireZstdMetricSet(registry metrics.Registry) *zstdMetricSet {
	if registry == nil {
		return nil
	}
	// The set is found by the registry's identity. Registries are pointers
	// (go-metrics' own, and wrappers such as Sarama's cleanup registry);
	// another kind has no identity to share a set by, and gets no zstd
	// metrics rather than sets that would unregister each other's.
	if reflect.TypeOf(registry).Kind() != reflect.Pointer {
		return nil
	}
	zstdPools.mu.Lock()
	defer zstdPools.mu.Unlock()
	if m := zstdMetricSets[registry]; m != nil {
		m.refs++
		return m
	}
	m := &zstdMetricSet{
		registry:  registry,
		created:   metrics.GetOrRegisterCounter(zstdEncodersCreatedMetric, registry),
		dropped:   metrics.GetOrRegisterCounter(zstdEncodersDroppedMetric, registry),
		wait:      getOrRegisterHistogram(zstdEncoderWaitMetric, registry),
		waitTotal: metrics.GetOrRegisterCounter(zstdEncoderWaitTotalMetric, registry),
		refs:      1,
		poolRefs:  make(map[*zstdEncoderPool]int),
	}
	m.pools.Store(new([]*zstdEncoderPool))
	m.inUse = m.registerGauge(zstdEncodersInUseMetric, (*zstdEncoderPool).inUse)
	m.idle = m.registerGauge(zstdEncodersIdleMetric, (*zstdEncoderPool).idleEncoders)
	zstdMetricSets[m.registry] = m
	return m
}

// zstdSumGauge is a gauge computed from the pools of a set. Its own type
// tells a gauge of a set that is gone from one the application registered
// under the same name.
type zstdSumGauge struct{ value func() int64 }

func (g *zstdSumGauge) Value() int64            { return g.value() }
func (g *zstdSumGauge) Snapshot() metrics.Gauge { return metrics.GaugeSnapshot(g.Value()) }

// Update does nothing: the gauge is computed.
func (g *zstdSumGauge) Update(int64) {}

// registerGauge registers a gauge summing f over the set's pools. A
// zstdSumGauge left under the name sums other pools and is replaced; any
// other metric there is the application's, and stays.
func (m *zstdMetricSet) registerGauge(name string, f func(*zstdEncoderPool) int64) metrics.Gauge {
	g := &zstdSumGauge{value: m.sum(f)}
	if _, stale := m.registry.Get(name).(*zstdSumGauge); stale {
		m.registry.Unregister(name)
	}
	_ = m.registry.Register(name, g)
	return g
}

// release undoes one acquireZstdMetricSet; the last one unregisters the
// set's metrics, those still registered as the set's own.
func (m *zstdMetricSet) release() {
	if m == nil {
		return
	}
	zstdPools.mu.Lock()
	defer zstdPools.mu.Unlock()
	if m.refs--; m.refs > 0 {
		return
	}
	if zstdMetricSets[m.registry] == m {
		delete(zstdMetricSets, m.registry)
	}
	for name, metric := range map[string]any{
		zstdEncodersCreatedMetric:  m.created,
		zstdEncodersDroppedMetric:  m.dropped,
		zstdEncoderWaitMetric:      m.wait,
		zstdEncoderWaitTotalMetric: m.waitTotal,
		zstdEncodersInUseMetric:    m.inUse,
		zstdEncodersIdleMetric:     m.idle,
	} {
		// Our metrics are pointers: comparing cannot panic.
		if m.registry.Get(name) == metric {
			m.registry.Unregister(name)
		}
	}
}

// zstdPoolMetricSets maps each pool to the metric sets of the producers
// that use it, which count the encoders the pool drops. Guarded by
// zstdPools.mu.
var zstdPoolMetricSets = make(map[*zstdEncoderPool]map[*zstdMetricSet]struct{})

// addPool and removePool count the pools the set's producers use.
// zstdPools.mu must be held. A nil set does nothing.
func (m *zstdMetricSet) addPool(p *zstdEncoderPool) {
	if m == nil {
		return
	}
	if m.poolRefs[p]++; m.poolRefs[p] == 1 {
		sets := zstdPoolMetricSets[p]
		if sets == nil {
			sets = make(map[*zstdMetricSet]struct{})
			zstdPoolMetricSets[p] = sets
		}
		sets[m] = struct{}{}
		m.storePools()
	}
}

func (m *zstdMetricSet) removePool(p *zstdEncoderPool) {
	if m == nil {
		return
	}
	if m.poolRefs[p]--; m.poolRefs[p] == 0 {
		delete(m.poolRefs, p)
		if sets := zstdPoolMetricSets[p]; sets != nil {
			delete(sets, m)
			if len(sets) == 0 {
				delete(zstdPoolMetricSets, p)
			}
		}
		m.storePools()
	}
}

func (m *zstdMetricSet) storePools() {
	pools := make([]*zstdEncoderPool, 0, len(m.poolRefs))
	for p := range m.poolRefs {
		pools = append(pools, p)
	}
	m.pools.Store(&pools)
}

// sum returns a gauge function adding up f over the set's pools.
func (m *zstdMetricSet) sum(f func(*zstdEncoderPool) int64) func() int64 {
	return func() int64 {
		var n int64
		for _, p := range *m.pools.Load() {
			n += f(p)
		}
		return n
	}
}

// The events below are counted for the producer that caused them. A nil
// *zstdMetricSet records nothing.

func (m *zstdMetricSet) built() {
	if m != nil {
		m.created.Inc(1)
	}
}

func (m *zstdMetricSet) waited(d time.Duration) {
	if m != nil {
		m.wait.Update(d.Microseconds())
		m.waitTotal.Inc(d.Nanoseconds())
	}
}

func (m *zstdMetricSet) droppedEncoders(n int64) {
	if m != nil {
		m.dropped.Inc(n)
	}
}

// The pool's state as its gauges show it.

func zstdStateLentOf(s int64) int64 { return s >> 32 }

// inUse is how many encoders (or permits about to build one) are lent out.
func (p *zstdEncoderPool) inUse() int64 { return zstdStateLentOf(p.state.Load()) }

// idleEncoders is how many built encoders wait in the pool.
func (p *zstdEncoderPool) idleEncoders() int64 { return zstdStateIdleOf(p.state.Load()) }
