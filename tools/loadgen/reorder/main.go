// Command reorder measures how often producers that are not idempotent
// (Net.MaxOpenRequests 5) reorder messages under broker faults, the fork
// against upstream on the same runs: it builds itself twice, against
// build/fork.mod (run make modfiles first) and against the root go.mod,
// then runs both builds in alternating order, round after round, with the
// same seed in a round. Each run is many producers sending values from 80 B
// to 200 KiB to a kfake cluster faulting their produce requests
// (tools/loadgen/faults); every acknowledged message is read back and
// checked, and the run counts the messages acknowledged before a message
// their producer sent earlier to the same partition (faults.Reordered).
// Kafka promises this order only when nothing is retried; a fork should
// not break it more often than upstream.
//
//	go run ./tools/loadgen/reorder -rounds 5
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"

	"github.com/IBM/sarama"

	"sarama-zstd.example/tools/internal/modroot"
	"sarama-zstd.example/tools/loadgen/faults"
	"sarama-zstd.example/tools/loadgen/workload"
)

type options struct {
	rounds, producers, messages int
	partitions                  int
	seed                        uint64
	race                        bool
	maxInUse                    int
	worker                      string // the variant to run as, set by the driver
	timeout                     time.Duration
}

// result is one run, printed by a worker as a JSON line.
type result struct {
	Variant      string           `json:"variant"`
	Seed         uint64           `json:"seed"`
	Messages     int              `json:"messages"`
	Acked        int64            `json:"acked"`
	Failed       int64            `json:"failed"`
	WrittenAgain int              `json:"written_again"`
	Reordered    int              `json:"reordered"`
	Streams      int              `json:"reordered_streams"`
	Requests     int64            `json:"produce_requests"`
	Faults       map[string]int64 `json:"faults"`
	Seconds      float64          `json:"seconds"`
}

func main() {
	var o options
	flag.IntVar(&o.rounds, "rounds", 5, "rounds; each runs the fork and upstream once")
	flag.IntVar(&o.producers, "producers", 60, "producers per run")
	flag.IntVar(&o.messages, "messages", 150, "messages per producer")
	flag.IntVar(&o.partitions, "partitions", 6, "partitions of the topic")
	flag.Uint64Var(&o.seed, "seed", 1, "seed of the fault schedule of round 0 (round r uses seed+r)")
	flag.BoolVar(&o.race, "race", true, "build both with the race detector (slower, more reordering)")
	flag.IntVar(&o.maxInUse, "max-in-use", 0, "the fork's Producer.Zstd.MaxInUseEncoders (0: its default)")
	flag.StringVar(&o.worker, "worker", "", "internal: run once as this variant and print a JSON line")
	flag.DurationVar(&o.timeout, "timeout", 10*time.Minute, "bound of one run")
	flag.Parse()

	var err error
	if o.worker != "" {
		err = work(o)
	} else {
		err = drive(o)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "reorder:", err)
		os.Exit(1)
	}
}

// work runs once and prints its result.
func work(o options) error {
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	cl, err := faults.Start(3, faults.DefaultSchedule(o.seed))
	if err != nil {
		return err
	}
	defer cl.Close()
	topic := fmt.Sprintf("reorder-%d", o.seed)
	cl.Watch(topic, int32(o.partitions), nil)
	pool := workload.PoolSettings{MaxInUse: o.maxInUse}
	if err := workload.SetPool(sarama.NewConfig(), pool); err != nil {
		return err
	}
	res, err := workload.Run(ctx, cl.Cluster, workload.RunOptions{
		Topic: topic, Partitions: int32(o.partitions),
		Producers: o.producers, Messages: o.messages, Sizes: faults.MixedSizes,
		Producer: workload.ProducerOptions{
			Version: sarama.V2_1_0_0,
			Tune: func(_ int, c *sarama.Config) {
				faults.Tolerate(c)
				_ = workload.SetPool(c, pool) // checked above
			},
		},
	})
	if err != nil {
		return err
	}
	if err := cl.Arrivals().Err(); err != nil {
		return err
	}
	v, err := workload.ReadBackKgo(ctx, cl.Addrs, res.Expect)
	if err != nil {
		return err
	}
	if err := v.ErrAtLeastOnce(); err != nil {
		return err
	}
	r := result{
		Variant: o.worker, Seed: o.seed, Messages: o.producers * o.messages,
		Acked: res.Messages, Failed: res.Failed, WrittenAgain: v.Records - v.Expected,
		Requests: cl.Requests(), Faults: map[string]int64{}, Seconds: res.Duration.Seconds(),
	}
	r.Reordered, r.Streams = faults.Reordered(res.Expect)
	for f, n := range cl.Injected() {
		r.Faults[f.String()] = n
	}
	return json.NewEncoder(os.Stdout).Encode(r)
}

// variant is one build of this command.
type variant struct {
	name, modfile, tags string
}

// drive builds both variants and runs them alternately.
func drive(o options) error {
	root, err := modroot.Dir()
	if err != nil {
		return err
	}
	forkMod := filepath.Join(root, "build", "fork.mod")
	if _, err := os.Stat(forkMod); err != nil {
		return fmt.Errorf("%s missing: run make modfiles first", forkMod)
	}
	variants := []variant{{"fork", forkMod, "saramazstd"}, {"upstream", "", ""}}
	bins := map[string]string{}
	for _, v := range variants {
		bin := filepath.Join(root, "build", "bin", "reorder-"+v.name)
		args := []string{"build", "-o", bin}
		if o.race {
			args = append(args, "-race")
		}
		if v.modfile != "" {
			args = append(args, "-modfile="+v.modfile, "-tags", v.tags)
		}
		cmd := exec.Command("go", append(args, "./tools/loadgen/reorder")...)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("build %s: %w\n%s", v.name, err, out)
		}
		bins[v.name] = bin
	}
	fmt.Printf("%d producers x %d messages (80 B-200 KiB), %d partitions, plain mode (5 requests in flight), race %v, fork MaxInUseEncoders %d (0: default)\n",
		o.producers, o.messages, o.partitions, o.race, o.maxInUse)
	fmt.Println("round  seed  variant   reordered  streams  written again  requests  seconds")
	all := map[string][]result{}
	for round := range o.rounds {
		order := slices.Clone(variants)
		if round%2 == 1 {
			slices.Reverse(order)
		}
		for _, v := range order {
			r, err := runWorker(bins[v.name], v.name, o, o.seed+uint64(round))
			if err != nil {
				return err
			}
			all[v.name] = append(all[v.name], r)
			fmt.Printf("%5d  %4d  %-8s  %9d  %7d  %13d  %8d  %7.1f\n",
				round, r.Seed, r.Variant, r.Reordered, r.Streams, r.WrittenAgain, r.Requests, r.Seconds)
		}
	}
	for _, v := range variants {
		var n []int
		for _, r := range all[v.name] {
			n = append(n, r.Reordered)
		}
		slices.Sort(n)
		fmt.Printf("%s: reordered messages per run %v (median %d)\n", v.name, n, n[len(n)/2])
	}
	return nil
}

// runWorker runs one build once with the given seed.
func runWorker(bin, name string, o options, seed uint64) (result, error) {
	args := []string{"-worker", name, "-seed", fmt.Sprint(seed),
		"-producers", fmt.Sprint(o.producers), "-messages", fmt.Sprint(o.messages),
		"-partitions", fmt.Sprint(o.partitions), "-timeout", o.timeout.String()}
	if name == "fork" {
		args = append(args, "-max-in-use", fmt.Sprint(o.maxInUse))
	}
	cmd := exec.Command(bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return result{}, fmt.Errorf("%s seed %d: %w\n%s", name, seed, err, stderr.Bytes())
	}
	var r result
	var last []byte
	sc := bufio.NewScanner(&stdout)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) > 0 {
			last = append(last[:0], sc.Bytes()...)
		}
	}
	if err := json.Unmarshal(last, &r); err != nil {
		return result{}, fmt.Errorf("%s seed %d: no result line: %w", name, seed, err)
	}
	return r, nil
}
