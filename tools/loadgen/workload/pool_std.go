//go:build !saramazstd

package workload

import (
	"errors"

	"github.com/IBM/sarama"
)

// ForkBuild reports whether this binary was built against the fork (the
// saramazstd tag), the only build where the encoder pool can be configured.
const ForkBuild = false

// errNeedsFork is what builds without the pool say to pool settings:
// silently ignoring them would make a comparison lie.
var errNeedsFork = errors.New("encoder pool settings need the fork: build with -modfile=build/fork.mod -tags saramazstd")

// SetPool fails unless s is zero: upstream and legacy Sarama have no
// encoder pool settings.
func SetPool(_ *sarama.Config, s PoolSettings) error {
	if !s.IsZero() {
		return errNeedsFork
	}
	return nil
}
