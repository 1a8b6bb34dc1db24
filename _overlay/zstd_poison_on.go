//go:build zstdpoison

package sarama

// zstdPoisonBuffers makes putZstdBuffer overwrite every buffer given back,
// a test mode (go test -tags zstdpoison) in which any read of a batch's
// buffers after their release corrupts the data that read-back checks.
const zstdPoisonBuffers = true
