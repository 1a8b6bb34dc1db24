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
	InFlight   int // per producer: unacknowledged messages before Send waits (0: unlimited)
	Producer   ProducerOptions
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
	closeErr := closeAll(producers)

	res.Expect = Expect(o.Topic, o.ValueSize, producers)
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
