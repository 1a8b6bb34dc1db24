//go:build saramazstd

package workload

import "github.com/IBM/sarama"

// ForkBuild reports whether this binary was built against the fork (the
// saramazstd tag), the only build where the encoder pool can be configured.
const ForkBuild = true

// SetPoolLimits sets the fork's zstd encoder pool limits on c; zero keeps
// the fork's default for that limit.
func SetPoolLimits(c *sarama.Config, maxInUse, maxIdle int) error {
	if maxInUse > 0 {
		c.Producer.Zstd.MaxInUseEncoders = maxInUse
	}
	if maxIdle > 0 {
		c.Producer.Zstd.MaxIdleEncoders = maxIdle
	}
	return nil
}
