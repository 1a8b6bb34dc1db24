//go:build !saramazstd

package workload

import "github.com/IBM/sarama"

// ForkBuild reports whether this binary was built against the fork (the
// saramazstd tag), the only build where the encoder pool can be configured.
const ForkBuild = false

// SetPool fails unless s is zero: upstream and legacy Sarama have no
// encoder pool settings.
func SetPool(_ *sarama.Config, s PoolSettings) error {
	if !s.IsZero() {
		return errNeedsFork
	}
	return nil
}
