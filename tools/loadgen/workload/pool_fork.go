//go:build saramazstd

package workload

import "github.com/IBM/sarama"

// ForkBuild reports whether this binary was built against the fork (the
// saramazstd tag), the only build where the encoder pool can be configured.
const ForkBuild = true

// SetPool sets the fork's zstd encoder pool settings on c; a zero field
// keeps the fork's default for that setting.
func SetPool(c *sarama.Config, s PoolSettings) error {
	if s.MaxInUse > 0 {
		c.Producer.Zstd.MaxInUseEncoders = s.MaxInUse
	}
	if s.MaxIdle > 0 {
		c.Producer.Zstd.MaxIdleEncoders = s.MaxIdle
	}
	if s.MaxIdleTime > 0 {
		c.Producer.Zstd.MaxIdleTime = s.MaxIdleTime
	}
	return nil
}
