//go:build !saramazstd

package workload

import (
	"errors"

	"github.com/IBM/sarama"
)

// ForkBuild reports whether this binary was built against the fork (the
// saramazstd tag), the only build where the encoder pool can be configured.
const ForkBuild = false

// SetPoolLimits fails unless both limits are zero: upstream and legacy
// Sarama have no encoder pool settings, and silently ignoring them would
// make a comparison lie.
func SetPoolLimits(_ *sarama.Config, maxInUse, maxIdle int) error {
	if maxInUse != 0 || maxIdle != 0 {
		return errors.New("encoder pool limits need the fork: build with -modfile=build/fork.mod -tags saramazstd")
	}
	return nil
}
