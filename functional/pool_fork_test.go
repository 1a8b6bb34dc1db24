//go:build saramazstd

package functional

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/rcrowley/go-metrics"

	"sarama-zstd.example/tools/loadgen/workload"
)

// Levels of the tests; see poolLimits for how each test gets pools of its
// own whatever the level.
const (
	levelBound   = 7
	levelMetrics = 5
	levelMixedA  = 1
	levelMixedB  = 6
	levelMixedC  = 19
)

var poolSeq atomic.Int64

// poolLimits returns a Tune function setting the fork's pool limits, for
// the producers of one pool. The fork's pools are process-wide and keyed by
// the whole of Producer.Zstd: each call sets an idle time no other call
// sets (a little over an hour, longer than any test), so that the producers
// it tunes share a pool that no other test, nor another run of the same
// test, uses.
func poolLimits(t *testing.T, level, maxInUse, maxIdle int) func(int, *sarama.Config) {
	idleTime := time.Hour + time.Duration(poolSeq.Add(1))
	return func(_ int, c *sarama.Config) {
		c.Producer.CompressionLevel = level
		c.Producer.Zstd.MaxInUseEncoders = maxInUse
		c.Producer.Zstd.MaxIdleEncoders = maxIdle
		c.Producer.Zstd.MaxIdleTime = idleTime
	}
}

// However many producers compress at once, a pool whose idle limit is at
// least its in-use limit never builds more encoders than the in-use limit:
// the sum of zstd-encoders-created over all producers' registries is the
// pool's total. GOMAXPROCS is raised well above the limit for the run so
// that more compressions than the limit really are runnable at once, even
// on a two-core machine.
func TestEncodersCreatedNeverExceedInUseLimit(t *testing.T) {
	const maxInUse = 3
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4 * maxInUse))
	cl := cluster(t)
	res := produce(t, cl, workload.RunOptions{
		Producers: 80, Messages: 25,
		Producer: workload.ProducerOptions{
			Version: sarama.V2_1_0_0, Level: levelBound, Linger: time.Millisecond,
			Tune: poolLimits(t, levelBound, maxInUse, maxInUse),
		},
	})
	if res.Pool.Present != 80 {
		t.Fatalf("%s in %d of 80 producer registries", workload.MetricEncodersCreated, res.Pool.Present)
	}
	if c := res.Pool.EncodersCreate; c < 1 || c > maxInUse {
		t.Fatalf("%d encoders created by 80 producers, want 1..%d", c, maxInUse)
	}
	t.Logf("80 producers: %d encoders, %d waits (mean %.1f ms)", res.Pool.EncodersCreate, res.Pool.Waits, res.Pool.WaitMeanMillis())
	verifyKgo(t, cl, res.Expect)
}

// Every producer's own registry carries the pool metrics under their
// documented names and types; the gauges, which count the whole process,
// settle at zero in use once all batches are acknowledged, and count the
// idle encoders of this test's pool among others.
func TestPoolMetricsInEachProducerRegistry(t *testing.T) {
	const (
		maxInUse = 2
		maxIdle  = 2
		n        = 12
	)
	cl := cluster(t)
	tp := topic(t)
	if err := cl.CreateTopic(ctx(t), tp, 6); err != nil {
		t.Fatal(err)
	}
	opts := workload.ProducerOptions{Version: sarama.V2_1_0_0, Level: levelMetrics, Tune: poolLimits(t, levelMetrics, maxInUse, maxIdle)}
	producers := make([]*workload.Producer, n)
	for id := range producers {
		p, err := workload.NewProducer(id, cl.Addrs, opts.Config(id))
		if err != nil {
			t.Fatal(err)
		}
		producers[id] = p
	}
	var wg sync.WaitGroup
	for _, p := range producers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.Produce(ctx(t), tp, 40, 600, nil)
		}()
	}
	wg.Wait()

	var created int64
	for _, p := range producers {
		r := p.Config.MetricRegistry
		c, ok := r.Get(workload.MetricEncodersCreated).(metrics.Counter)
		if !ok {
			t.Fatalf("producer %d: %s missing or not a counter: %T", p.ID, workload.MetricEncodersCreated, r.Get(workload.MetricEncodersCreated))
		}
		created += c.Count()
		if _, ok := r.Get(workload.MetricEncoderWait).(metrics.Histogram); !ok {
			t.Fatalf("producer %d: %s missing or not a histogram: %T", p.ID, workload.MetricEncoderWait, r.Get(workload.MetricEncoderWait))
		}
		inUse, ok1 := r.Get(workload.MetricEncodersInUse).(metrics.Gauge)
		idle, ok2 := r.Get(workload.MetricEncodersIdle).(metrics.Gauge)
		if !ok1 || !ok2 {
			t.Fatalf("producer %d: pool gauges missing or not gauges: %T, %T", p.ID, r.Get(workload.MetricEncodersInUse), r.Get(workload.MetricEncodersIdle))
		}
		if v := inUse.Snapshot().Value(); v != 0 {
			t.Errorf("producer %d: %d encoders in use after every batch was acknowledged", p.ID, v)
		}
		if v := idle.Snapshot().Value(); v < 1 {
			t.Errorf("producer %d: %d idle encoders in the process, want at least this test's pool's", p.ID, v)
		}
	}
	if created < 1 || created > maxInUse {
		t.Errorf("%d encoders created in total, want 1..%d", created, maxInUse)
	}
	for _, p := range producers {
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
	}
	verifyKgo(t, cl, workload.Expect(tp, 600, producers))
}

// Producers with different levels and different pool limits share one
// process: each group uses its own pool, bounded by its own limits, and
// every message of every group is read back intact.
func TestMixedLevelsAndPoolLimitsInOneProcess(t *testing.T) {
	type group struct{ level, maxInUse, maxIdle int }
	groups := []group{
		{levelMixedA, 1, 1},
		{levelMixedB, 4, 4},
		{levelMixedC, 2, 1}, // one idle encoder kept: the other rebuilt per batch, still at most 2 at once
	}
	tunes := make([]func(int, *sarama.Config), len(groups))
	for i, g := range groups {
		tunes[i] = poolLimits(t, g.level, g.maxInUse, g.maxIdle)
	}
	const perGroup = 10
	cl := cluster(t)
	res := produce(t, cl, workload.RunOptions{
		Producers: perGroup * len(groups), Messages: 30,
		Producer: workload.ProducerOptions{
			Version: sarama.V2_1_0_0, Linger: time.Millisecond,
			Tune: func(id int, c *sarama.Config) {
				tunes[id%len(groups)](id, c)
			},
		},
	})
	created := make([]int64, len(groups))
	for id, m := range res.PerPool {
		if m.Present != 1 {
			t.Fatalf("producer %d has no pool metrics", id)
		}
		created[id%len(groups)] += m.EncodersCreate
	}
	for i, g := range groups {
		if created[i] < 1 {
			t.Errorf("level %d: no encoder created, so this group did not compress", g.level)
		}
		if g.maxIdle >= g.maxInUse && created[i] > int64(g.maxInUse) {
			t.Errorf("level %d: %d encoders created, limit %d", g.level, created[i], g.maxInUse)
		}
	}
	t.Logf("encoders created per group: %v", created)
	v := verifyKgo(t, cl, res.Expect)
	if v.ZstdBatches != v.Batches {
		t.Errorf("%d of %d batches zstd", v.ZstdBatches, v.Batches)
	}
	verifySarama(t, cl, sarama.V2_1_0_0, res.Expect)
}
