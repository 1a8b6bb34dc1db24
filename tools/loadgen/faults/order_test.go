package faults

import (
	"testing"

	"sarama-zstd.example/tools/loadgen/workload"
)

func TestReordered(t *testing.T) {
	acked := func(p int32, o int64) workload.Ack {
		return workload.Ack{State: workload.Acked, Partition: p, Offset: o}
	}
	exp := workload.Expectation{Logs: map[int][]workload.Ack{
		// In order on each partition, interleaved across partitions.
		0: {acked(0, 1), acked(1, 5), acked(0, 2), acked(1, 9)},
		// Seq 2-3 written before seq 0-1 on partition 0; seq 4 failed.
		1: {acked(0, 10), acked(0, 11), acked(0, 3), acked(0, 4), {State: workload.Failed}, acked(0, 12)},
	}}
	if n, streams := Reordered(exp); n != 2 || streams != 1 {
		t.Errorf("Reordered = %d messages in %d streams, want 2 in 1", n, streams)
	}
}

func TestMixedSizesRange(t *testing.T) {
	var small, large, sum int
	const n = 20000
	for seq := range n {
		s := MixedSizes(seq%7, seq)
		if s < 80 || s > 200<<10 {
			t.Fatalf("size %d out of 80 B-200 KiB", s)
		}
		if s < 1<<10 {
			small++
		}
		if s > 64<<10 {
			large++
		}
		sum += s
	}
	if small < n*45/100 || large < n*2/100 || sum/n < 8<<10 || sum/n > 16<<10 {
		t.Errorf("%d under 1 KiB, %d over 64 KiB, mean %d B of %d: not the documented mix", small, large, sum/n, n)
	}
}
