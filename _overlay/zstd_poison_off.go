//go:build !zstdpoison

package sarama

// zstdPoisonBuffers is off: see zstd_poison_on.go.
const zstdPoisonBuffers = false
