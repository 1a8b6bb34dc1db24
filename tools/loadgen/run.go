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
	// Refuse pool flags the Sarama in use cannot honour before starting a
	// cluster and hundreds of clients; after this check the setter cannot fail.
	if err := workload.SetPool(sarama.NewConfig(), o.pool); err != nil {
		return nil, err
	}
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

	ro := workload.RunOptions{
		Topic:      topicName(),
		Partitions: int32(o.partitions),
		Producers:  o.producers,
		Messages:   o.messages,
		ValueSize:  o.valueSize,
		InFlight:   o.inFlight,
		IdleWait:   o.idleWait,
		Producer: workload.ProducerOptions{
			Version:    o.version,
			Level:      o.level,
			Linger:     o.linger,
			Idempotent: o.idempotent,
			Tune: func(_ int, c *sarama.Config) {
				_ = workload.SetPool(c, o.pool) // checked above
			},
		},
	}
	prog := newProgress(os.Stderr)
	ro.Progress = prog.update
	rep := newReport(o)
	rep.SampleRatio = workload.SampleCompressionRatio(100, o.valueSize, max(o.level, 3))

	if o.memProfile != "" {
		// One sample per 4 KiB allocated instead of per 512 KiB: a finer profile.
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
