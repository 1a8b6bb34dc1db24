package functional

import (
	"testing"

	"github.com/IBM/sarama"

	"sarama-zstd.example/tools/loadgen/workload"
)

// Many independent producers, each with its own client and config, produce
// concurrently; both consumers must find every message once, intact, in
// order, at the offset it was acknowledged at, in zstd batches.
func TestManyProducersReadBackByBothConsumers(t *testing.T) {
	cl := cluster(t)
	res := produce(t, cl, workload.RunOptions{Producers: 60, Messages: 40})
	v := verifyKgo(t, cl, res.Expect)
	verifySarama(t, cl, sarama.V2_1_0_0, res.Expect)

	if v.Batches == 0 || v.ZstdBatches != v.Batches {
		t.Errorf("%d of %d batches were zstd-compressed, want all", v.ZstdBatches, v.Batches)
	}
	// The values are designed to compress 3-5x in large batches; small
	// batches of a short run compress less (a lone 600-byte value about 1.5x).
	if r := v.Ratio(); r < 1.2 || r > 6 {
		t.Errorf("batch compression ratio %.2f outside 1.5-6x", r)
	}
}

// The oldest protocol version that allows zstd and the newest Sarama knows
// must both work end to end against kfake (which negotiates ApiVersions
// down to what it implements).
func TestProtocolVersions(t *testing.T) {
	if sarama.MaxVersion != sarama.V4_3_1_0 {
		t.Logf("Sarama now knows %s; consider testing it instead of 4.3.1", sarama.MaxVersion)
	}
	for _, version := range []sarama.KafkaVersion{sarama.V2_1_0_0, sarama.V4_3_1_0} {
		t.Run(version.String(), func(t *testing.T) {
			cl := cluster(t)
			res := produce(t, cl, workload.RunOptions{
				Producers: 8, Messages: 30,
				Producer: workload.ProducerOptions{Version: version},
			})
			verifyKgo(t, cl, res.Expect)
			verifySarama(t, cl, version, res.Expect)
		})
	}
}

// Idempotent producers (one request in flight, sequence numbers checked by
// the broker) with zstd batches.
func TestIdempotentProducers(t *testing.T) {
	cl := cluster(t)
	res := produce(t, cl, workload.RunOptions{
		Producers: 10, Messages: 50,
		Producer: workload.ProducerOptions{Version: sarama.V2_1_0_0, Idempotent: true},
	})
	verifyKgo(t, cl, res.Expect)
}
