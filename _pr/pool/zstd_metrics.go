package sarama

import "time"

// zstdMetricSet is where the encoder pools report a producer's events:
// encoders built and dropped, and waits. Without producer metrics the pools
// are given a nil set, which records nothing.
type zstdMetricSet struct{}

func (*zstdMetricSet) built()                      {}
func (*zstdMetricSet) waited(time.Duration)        {}
func (*zstdMetricSet) droppedEncoders(int64)       {}
func (*zstdMetricSet) addPool(*zstdEncoderPool)    {}
func (*zstdMetricSet) removePool(*zstdEncoderPool) {}
