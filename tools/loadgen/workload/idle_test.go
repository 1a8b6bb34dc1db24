package workload

import (
	"testing"

	"github.com/rcrowley/go-metrics"
)

func TestIdleGrowthIsSigned(t *testing.T) {
	for _, c := range []struct {
		base, idle uint64
		want       int64
	}{
		{60e6, 61e6, 1e6},
		{60e6, 60e6, 0},
		{60e6, 59e6, -1e6}, // the idle producers hold less than before the load
	} {
		if got := (IdleStats{BaseHeapAlloc: c.base, HeapAlloc: c.idle}).Growth(); got != c.want {
			t.Errorf("growth from %d to %d = %d, want %d", c.base, c.idle, got, c.want)
		}
	}
}

// The gauges describe the pool a producer uses, which producers configured
// alike share: combining producers takes the largest, not the sum, while
// the counters add up.
func TestPoolMetricsHeldIsThePoolsNotTheSum(t *testing.T) {
	registry := func(created, inUse, idle int64) metrics.Registry {
		r := metrics.NewRegistry()
		metrics.GetOrRegisterCounter(MetricEncodersCreated, r).Inc(created)
		_ = r.Register(MetricEncodersInUse, metrics.NewFunctionalGauge(func() int64 { return inUse }))
		_ = r.Register(MetricEncodersIdle, metrics.NewFunctionalGauge(func() int64 { return idle }))
		return r
	}
	var m PoolMetrics
	m.Add(ReadPoolMetrics(registry(1, 0, 2)))
	m.Add(ReadPoolMetrics(registry(1, 0, 2)))
	if m.Held != 2 || m.EncodersCreate != 2 || m.Present != 2 {
		t.Errorf("combined %+v: want 2 held (one pool), 2 created, 2 present", m)
	}
	if none := ReadPoolMetrics(metrics.NewRegistry()); none.Present != 0 || none.Held != 0 {
		t.Errorf("a registry without pool metrics gave %+v", none)
	}
}

func TestPoolSettingsZero(t *testing.T) {
	if !(PoolSettings{}).IsZero() || (PoolSettings{MaxIdleTime: 1}).IsZero() {
		t.Error("IsZero is wrong")
	}
}
