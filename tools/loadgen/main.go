// Command loadgen is the end-to-end workload of sarama-zstd: a few hundred
// independent Sarama producers (each with its own client and config) send
// zstd-compressed, self-checking messages to an embedded Kafka cluster
// (kfake on 127.0.0.1) or to a real one (-brokers), while the Go runtime's
// allocation, GC and heap figures and the fork's encoder pool metrics are
// recorded. Everything is then read back by franz-go's consumer and by
// Sarama's own consumer; any loss, duplicate, reordering or corruption makes
// the run fail with a non-zero exit status.
//
// The same source builds against the fork, upstream Sarama (the root
// go.mod's) and legacy v1.45.0 (see the compare command next to it), so the
// figures are comparable. -json prints one machine-readable line instead of the table.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"time"
)

func main() {
	o, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(2)
	}
	if o.serve > 0 {
		if err := serveCluster(o.serve); err != nil {
			fmt.Fprintln(os.Stderr, "loadgen cluster:", err)
			os.Exit(1)
		}
		return
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, o.timeout)
	defer cancelTimeout()

	rep, err := run(ctx, o)
	if rep != nil {
		if o.json {
			err2 := rep.writeJSON(os.Stdout)
			if err == nil {
				err = err2
			}
		} else {
			rep.writeTable(os.Stdout)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen: FAIL:", err)
		os.Exit(1)
	}
}

// topicName is unique per run so that runs against a real cluster never read
// each other's messages.
func topicName() string {
	return fmt.Sprintf("loadgen-%d", time.Now().UnixNano())
}
