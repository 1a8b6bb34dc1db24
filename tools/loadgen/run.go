package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/IBM/sarama"

	"sarama-zstd.example/tools/loadgen/workload"
)

// run executes one full workload: cluster, produce phase, read-back. The
// report is returned even when the run fails, so the figures of a failed
// run are still printed next to the reason.
func run(ctx context.Context, o options) (*report, error) {
	var cl *workload.Cluster
	switch {
	case len(o.brokers) > 0:
		cl = workload.External(o.brokers)
	case o.inProcess:
		var err error
		if cl, err = workload.StartEmbedded(o.embedded); err != nil {
			return nil, err
		}
	default:
		child, addrs, err := startChildCluster(o.embedded)
		if err != nil {
			return nil, err
		}
		defer child.stop()
		cl = workload.External(addrs)
	}
	defer cl.Close()

	var poolErr error
	ro := workload.RunOptions{
		Topic:      topicName(),
		Partitions: int32(o.partitions),
		Producers:  o.producers,
		Messages:   o.messages,
		ValueSize:  o.valueSize,
		InFlight:   o.inFlight,
		Producer: workload.ProducerOptions{
			Version:    o.version,
			Level:      o.level,
			Linger:     o.linger,
			Idempotent: o.idempotent,
			Tune: func(_ int, c *sarama.Config) {
				if err := workload.SetPoolLimits(c, o.maxInUse, o.maxIdle); err != nil {
					poolErr = err // the same for every producer
				}
			},
		},
	}
	// Check the pool flags once before connecting hundreds of clients.
	ro.Producer.Config(0)
	if poolErr != nil {
		return nil, poolErr
	}
	prog := newProgress(os.Stderr)
	ro.Progress = prog.update
	rep := newReport(o)
	rep.SampleRatio = workload.SampleCompressionRatio(100, o.valueSize, max(o.level, 3))

	if o.memProfile != "" {
		// Record every allocation; the default rate samples one per 512 KiB.
		runtime.MemProfileRate = 4096
	}
	res, err := workload.Run(ctx, cl, ro)
	prog.done()
	if o.memProfile != "" {
		if perr := writeHeapProfile(o.memProfile); err == nil {
			err = perr
		}
	}
	if res != nil {
		rep.setProduce(res)
	}
	if err != nil {
		return rep, err
	}
	if res.Failed > 0 {
		return rep, fmt.Errorf("%d messages failed to produce: %v", res.Failed, errors.Join(res.Errors...))
	}
	if !o.verify {
		return rep, nil
	}

	begin := time.Now()
	kv, kerr := workload.ReadBackKgo(ctx, cl.Addrs, res.Expect)
	sv, serr := workload.ReadBackSarama(ctx, cl.Addrs, o.version, res.Expect)
	rep.setVerify(&kv, &sv, time.Since(begin))
	return rep, errors.Join(kerr, kv.Err(), serr, sv.Err())
}

// gomaxprocs is recorded with the figures: the pool's defaults depend on it.
func gomaxprocs() int { return runtime.GOMAXPROCS(0) }

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}
