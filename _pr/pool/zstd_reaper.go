package sarama

// zstdReaper is where a pool would release the encoders that stay idle. It
// does nothing: a pool keeps up to its bound of idle encoders, and its
// spare, as the encoder cache kept GOMAXPROCS of each level.
type zstdReaper struct{}

func (*zstdReaper) init(*zstdEncoderPool) {}

// sawIdle is told the idle count a compression left.
func (*zstdReaper) sawIdle(int64) {}

// start is told that a pool's first idle encoder came back, or that it
// keeps a spare encoder.
func (*zstdReaper) start() {}

// sawSpare is told that a compression used the pool's spare encoder.
func (*zstdReaper) sawSpare() {}
