package sarama

import (
	"time"

	"github.com/rcrowley/go-metrics"
)

// zstdMetricSet is where the encoder pools report a producer's events:
// encoders built and dropped, and waits. Without producer metrics the pools
// are given a nil set, which records nothing.
type zstdMetricSet struct{}

// acquireZstdMetricSet returns the set of a producer's registry: nil.
func acquireZstdMetricSet(metrics.Registry) *zstdMetricSet { return nil }

func (*zstdMetricSet) release()                    {}
func (*zstdMetricSet) built()                      {}
func (*zstdMetricSet) waited(time.Duration)        {}
func (*zstdMetricSet) droppedEncoders(int64)       {}
func (*zstdMetricSet) addPool(*zstdEncoderPool)    {}
func (*zstdMetricSet) removePool(*zstdEncoderPool) {}
