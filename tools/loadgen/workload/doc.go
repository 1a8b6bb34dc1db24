// Package workload is the reusable part of the loadgen end-to-end workload:
// an embedded Kafka cluster (kfake), deterministic self-checking message
// values, many independent Sarama producers, run-time measurements and
// read-back verification by two independent consumers (franz-go's kgo and
// Sarama's own consumer).
//
// It lives outside the loadgen main package so that the functional tests run
// the very same producing and verification code as the benchmark, only with
// smaller numbers. It must compile against every Sarama the project compares
// (the fork, upstream as the root go.mod requires it, and legacy v1.45.0),
// so it touches no fork-only API; the fork's pool settings are applied in
// files guarded by the saramazstd build tag.
package workload
