//go:build !saramazstd

package workload

import (
	"testing"
	"time"

	"github.com/IBM/sarama"
)

// Upstream and legacy builds refuse every pool setting rather than ignore
// it, the idle time included; the zero value is accepted.
func TestSetPoolNeedsTheFork(t *testing.T) {
	c := sarama.NewConfig()
	if err := SetPool(c, PoolSettings{}); err != nil {
		t.Errorf("zero settings refused: %v", err)
	}
	for _, s := range []PoolSettings{{MaxInUse: 1}, {MaxIdle: 1}, {MaxIdleTime: time.Second}} {
		if err := SetPool(c, s); err == nil {
			t.Errorf("%+v accepted by a build without the pool", s)
		}
	}
}
