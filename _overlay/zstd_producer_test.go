//go:build !functional

package sarama

import "testing"

// A set that waited in the request goroutine (compressZstdRequest) while
// its broker producer started closing is marked resent: the messages behind
// it went back through their partition producers, and on a retriable error
// it must be retried as a batch, ahead of them. One that did not wait
// through a closing is left as it was.
func TestZstdRequestOfAClosingBrokerProducerIsResent(t *testing.T) {
	for _, closing := range []bool{false, true} {
		bp := &brokerProducer{}
		if closing {
			bp.zstdClosing.Store(true)
		}
		set := &produceSet{}
		compressZstdRequest(bp, set, &ProduceRequest{})
		if set.resent != closing {
			t.Errorf("broker producer closing %v: set resent %v", closing, set.resent)
		}
	}
}
