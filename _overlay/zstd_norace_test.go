//go:build !race && !functional

package sarama

// zstdRaceEnabled: see zstd_race_test.go.
const zstdRaceEnabled = false
