package workload

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// RunOptions describe one produce phase.
type RunOptions struct {
	Topic      string
	Partitions int32
	Producers  int
	Messages   int // per producer
	ValueSize  int
	Sizes      SizeFunc // if set, each message's value size, in place of ValueSize
	InFlight   int      // per producer: unacknowledged messages before Send waits (0: unlimited)
	Producer   ProducerOptions
	// IdleWait, when positive, keeps the producers open and idle for this
	// long after the produce phase, then measures the heap they hold
	// (Result.Idle): whatever encoders the Sarama in use keeps after the
	// load has stopped.
	IdleWait time.Duration
	// Progress, when set, is called about every 200ms during the produce
	// phase with the acknowledgements so far and the total expected.
	Progress func(acked, total int64)
}

// Result is the outcome of a produce phase.
type Result struct {
	Duration time.Duration // first send to last acknowledgement
	Messages int64         // acknowledged messages
	Failed   int64         // messages reported failed by Sarama
	Bytes    int64         // key+value bytes of the acknowledged messages
	Runtime  RuntimeStats
	Pool     PoolMetrics   // summed over all producers, read before closing them
	PerPool  []PoolMetrics // per producer, indexed by producer id
	Idle     *IdleStats    // after IdleWait, if it was set
	Expect   Expectation
	Errors   []error // the first few produce errors
}

// Run creates the topic, connects the producers, and lets all of them send
// their messages at once as fast as Sarama acknowledges them. Only the send
// phase is measured: connecting and closing clients are not what the pool
// changes. The returned Result carries what a read-back needs.
func Run(ctx context.Context, cl *Cluster, o RunOptions) (*Result, error) {
	if err := cl.CreateTopic(ctx, o.Topic, o.Partitions); err != nil {
		return nil, err
	}
	producers, err := connect(cl.Addrs, o)
	if err != nil {
		return nil, err
	}

	for _, p := range producers {
		p.Reserve(o.Messages)
		p.Sizes = o.Sizes
	}
	total := int64(o.Producers * o.Messages)
	stopProgress := make(chan struct{})
	var progressDone sync.WaitGroup
	if o.Progress != nil {
		progressDone.Add(1)
		go func() {
			defer progressDone.Done()
			report(producers, total, o.Progress, stopProgress)
		}()
	}

	sampler := StartSampler(5 * time.Millisecond)
	begin := time.Now()
	var wg sync.WaitGroup
	for _, p := range producers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.Produce(ctx, o.Topic, o.Messages, o.ValueSize, nil)
		}()
	}
	wg.Wait()
	res := &Result{Duration: time.Since(begin)}
	res.Runtime = sampler.Stop()
	close(stopProgress)
	progressDone.Wait()

	for _, p := range producers {
		m := ReadPoolMetrics(p.Config.MetricRegistry)
		res.PerPool = append(res.PerPool, m)
		res.Pool.Add(m)
	}
	if o.IdleWait > 0 && ctx.Err() == nil {
		res.Idle = idle(ctx, producers, o.IdleWait, res.Runtime.BaseHeapAlloc)
	}
	closeErr := closeAll(producers)

	res.Expect = Expect(o.Topic, o.ValueSize, producers)
	res.Expect.Sizes = o.Sizes
	for _, p := range producers {
		res.Bytes += p.AckedBytes()
		for _, a := range res.Expect.Logs[p.ID] {
			switch a.State {
			case Acked:
				res.Messages++
			case Failed:
				res.Failed++
			}
		}
		if len(res.Errors) < 5 {
			res.Errors = append(res.Errors, p.Errors()...)
		}
	}
	if err := ctx.Err(); err != nil {
		return res, fmt.Errorf("produce phase interrupted: %w", err)
	}
	return res, closeErr
}

// IdleStats is what the producers hold after the load stopped: open,
// connected, with nothing to send, for Wait.
type IdleStats struct {
	Wait time.Duration
	// HeapAlloc is the settled heap (SettledHeap) at the end of Wait, and
	// BaseHeapAlloc the settled heap before the first message
	// (RuntimeStats.BaseHeapAlloc), measured alike.
	HeapAlloc, BaseHeapAlloc uint64
	// Pool is the pool metrics at the end of Wait, combined over every
	// producer; Pool.Held is the encoders still kept.
	Pool PoolMetrics
}

// Growth is how much more the idle producers hold than before the first
// message: what the produce phase left behind (encoders kept, Sarama's
// metrics registered on first use). It is negative if they hold less.
func (s IdleStats) Growth() int64 {
	return int64(s.HeapAlloc) - int64(s.BaseHeapAlloc)
}

// idle waits for d (or until ctx ends) with the producers open and
// nothing sent, then measures what they hold.
func idle(ctx context.Context, producers []*Producer, d time.Duration, base uint64) *IdleStats {
	t := time.NewTimer(d)
	select {
	case <-t.C:
	case <-ctx.Done():
		t.Stop()
	}
	s := &IdleStats{Wait: d, BaseHeapAlloc: base, HeapAlloc: SettledHeap()}
	for _, p := range producers {
		s.Pool.Add(ReadPoolMetrics(p.Config.MetricRegistry))
	}
	return s
}

// connect creates all producers concurrently (a few hundred sequential
// metadata round trips would dominate short runs) and connects them to the
// partition leaders.
func connect(addrs []string, o RunOptions) ([]*Producer, error) {
	producers := make([]*Producer, o.Producers)
	errs := make([]error, o.Producers)
	var wg sync.WaitGroup
	for i := range producers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := NewProducer(i, addrs, o.Producer.Config(i))
			if err == nil {
				p.LimitInFlight(o.InFlight)
				err = p.Connect(o.Topic)
			}
			producers[i], errs[i] = p, err
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		var ok []*Producer
		for _, p := range producers {
			if p != nil {
				ok = append(ok, p)
			}
		}
		_ = closeAll(ok)
		return nil, err
	}
	return producers, nil
}

func closeAll(producers []*Producer) error {
	errs := make([]error, len(producers))
	var wg sync.WaitGroup
	for i, p := range producers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = p.Close()
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func report(producers []*Producer, total int64, fn func(acked, total int64), stop <-chan struct{}) {
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		var acked int64
		for _, p := range producers {
			acked += p.AckedCount()
		}
		fn(acked, total)
	}
}
