package faults

import "sarama-zstd.example/tools/loadgen/workload"

// Reordered counts the acknowledged messages that the cluster placed
// before a message their producer sent earlier to the same partition: for
// each producer and partition, in the order the producer sent them, a
// message acknowledged at a lower offset than an earlier one. Copies a
// retry wrote again are not counted: only where each message was
// acknowledged matters. streams is the number of (producer, partition)
// pairs with at least one.
func Reordered(exp workload.Expectation) (messages, streams int) {
	for _, log := range exp.Logs {
		highest := map[int32]int64{}
		reordered := map[int32]bool{}
		for _, a := range log {
			if a.State != workload.Acked {
				continue
			}
			if h, ok := highest[a.Partition]; ok && a.Offset < h {
				messages++
				reordered[a.Partition] = true
				continue
			}
			highest[a.Partition] = a.Offset
		}
		streams += len(reordered)
	}
	return messages, streams
}
