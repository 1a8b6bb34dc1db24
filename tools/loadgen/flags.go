package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/IBM/sarama"

	"sarama-zstd.example/tools/loadgen/workload"
)

type options struct {
	brokers    []string // empty: embedded cluster
	embedded   int      // brokers of the embedded cluster
	inProcess  bool     // run the embedded cluster inside the measured process
	serve      int      // >0: be the cluster child process with this many brokers
	partitions int
	producers  int
	messages   int // per producer
	valueSize  int
	inFlight   int
	level      int
	version    sarama.KafkaVersion
	linger     time.Duration
	idempotent bool
	pool       workload.PoolSettings
	idleWait   time.Duration
	verify     bool
	json       bool
	variant    string
	timeout    time.Duration
	memProfile string
}

func parseFlags(args []string) (options, error) {
	var (
		o       options
		brokers string
		version string
	)
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	fs.StringVar(&brokers, "brokers", "", "comma-separated bootstrap `host:port` list of a real cluster; empty starts an embedded kfake cluster on 127.0.0.1")
	fs.IntVar(&o.embedded, "embedded-brokers", 3, "brokers of the embedded cluster")
	fs.BoolVar(&o.inProcess, "in-process-cluster", false, "run the embedded cluster in this process (its allocations then count in the figures) instead of a child process")
	fs.IntVar(&o.serve, "serve-cluster", 0, "internal: serve an embedded cluster of this many brokers for a parent loadgen and exit when stdin closes")
	fs.IntVar(&o.partitions, "partitions", 12, "partitions of the topic created for the run")
	fs.IntVar(&o.producers, "producers", 200, "independent producers (each with its own client and config)")
	fs.IntVar(&o.messages, "messages", 250, "messages per producer")
	fs.IntVar(&o.valueSize, "value-size", 1000, "approximate value size in bytes")
	fs.IntVar(&o.inFlight, "in-flight", 32, "unacknowledged messages per producer before it waits (0: unlimited, the whole run queues in Sarama at once)")
	fs.IntVar(&o.level, "level", sarama.CompressionLevelDefault, "zstd level (default: Sarama's default)")
	fs.StringVar(&version, "version", "2.1.0", "Kafka protocol version Sarama uses (2.1.0 is the minimum for zstd)")
	fs.DurationVar(&o.linger, "linger", 5*time.Millisecond, "Producer.Flush.Frequency: how long a batch may wait to fill")
	fs.BoolVar(&o.idempotent, "idempotent", false, "idempotent producers")
	fs.IntVar(&o.pool.MaxInUse, "max-in-use", 0, "fork only: Producer.Zstd.MaxInUseEncoders (0: the fork's default)")
	fs.IntVar(&o.pool.MaxIdle, "max-idle", 0, "fork only: Producer.Zstd.MaxIdleEncoders (0: the fork's default)")
	fs.DurationVar(&o.pool.MaxIdleTime, "max-idle-time", 0, "fork only: Producer.Zstd.MaxIdleTime, how long idle encoders are kept (0: the fork's default)")
	fs.DurationVar(&o.idleWait, "idle-wait", 0, "after producing, keep the producers open and idle this long, then measure the heap they hold (0: skip)")
	fs.BoolVar(&o.verify, "verify", true, "read everything back with kgo and Sarama's consumer and fail on any discrepancy")
	fs.BoolVar(&o.json, "json", false, "print one JSON line instead of the table")
	fs.StringVar(&o.variant, "variant", "", "label of this build in the output (default: derived from the Sarama module)")
	fs.StringVar(&o.memProfile, "memprofile", "", "write a heap profile (allocations of the produce phase) to this file")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Minute, "give up after this long")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if brokers != "" {
		o.brokers = strings.Split(brokers, ",")
	}
	v, err := sarama.ParseKafkaVersion(version)
	if err != nil {
		return o, err
	}
	if !v.IsAtLeast(sarama.V2_1_0_0) {
		return o, errors.New("zstd needs -version 2.1.0 or newer")
	}
	o.version = v
	if o.pool.MaxInUse < 0 || o.pool.MaxIdle < 0 || o.pool.MaxIdleTime < 0 || o.idleWait < 0 {
		return o, errors.New("-max-in-use, -max-idle, -max-idle-time and -idle-wait must not be negative")
	}
	if o.producers < 1 || o.messages < 1 || o.partitions < 1 || o.embedded < 1 || o.valueSize < 1 {
		return o, errors.New("-producers, -messages, -partitions, -embedded-brokers and -value-size must be positive")
	}
	if o.variant == "" {
		o.variant = buildVariant()
	}
	return o, nil
}
