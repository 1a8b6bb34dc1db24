// Package functional holds the end-to-end tests of sarama-zstd: many Sarama
// producers against an embedded kfake cluster, every message read back and
// checked by franz-go's consumer (and Sarama's), using the loadgen's
// workload package with small numbers so the suite stays fast.
//
// The tests in files without a build tag run against whichever Sarama the
// module resolves to (upstream by default). Tests of the fork's encoder pool
// carry the saramazstd tag and run with
//
//	go test -modfile=build/fork.mod -tags saramazstd ./functional/
//
// The fork's pools are process-wide and keyed by the encoder and the whole
// of Producer.Zstd. Each pool assertion therefore uses a key no other test
// uses (poolLimits), so encoders built by one test never count in another's
// bound.
package functional
