package functional

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"sarama-zstd.example/tools/loadgen/workload"
)

// testTimeout bounds every network wait of a test: a hang fails the test
// with a message instead of stalling the suite.
const testTimeout = 60 * time.Second

var topicSeq atomic.Int64

// topic returns a topic name unique within the process.
func topic(t *testing.T) string {
	return fmt.Sprintf("functional-%d-%d", time.Now().UnixNano(), topicSeq.Add(1))
}

// cluster starts an embedded 3-broker cluster for one test.
func cluster(t *testing.T) *workload.Cluster {
	t.Helper()
	cl, err := workload.StartEmbedded(3)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return c
}

// produce runs a complete produce phase and fails the test if any message
// was not acknowledged.
func produce(t *testing.T, cl *workload.Cluster, o workload.RunOptions) *workload.Result {
	t.Helper()
	if o.Topic == "" {
		o.Topic = topic(t)
	}
	if o.Partitions == 0 {
		o.Partitions = 6
	}
	if o.ValueSize == 0 {
		o.ValueSize = 600
	}
	if o.Producer.Version == (sarama.KafkaVersion{}) {
		o.Producer.Version = sarama.V2_1_0_0
	}
	if o.Producer.Level == 0 {
		o.Producer.Level = sarama.CompressionLevelDefault
	}
	res, err := workload.Run(ctx(t), cl, o)
	if err != nil {
		t.Fatalf("produce: %v", err)
	}
	if want := int64(o.Producers * o.Messages); res.Messages != want || res.Failed != 0 {
		t.Fatalf("produce: %d of %d messages acknowledged, %d failed: %v", res.Messages, want, res.Failed, res.Errors)
	}
	return res
}

// verifyKgo reads the topic back with franz-go and fails the test on any
// loss, duplicate, corruption, reordering or misplaced message.
func verifyKgo(t *testing.T, cl *workload.Cluster, exp workload.Expectation) workload.Verdict {
	t.Helper()
	v, err := workload.ReadBackKgo(ctx(t), cl.Addrs, exp)
	if err != nil {
		t.Fatalf("kgo read-back: %v", err)
	}
	if err := v.Err(); err != nil {
		t.Fatal(err)
	}
	if v.Records != v.Expected {
		t.Fatalf("kgo read %d records, %d were acknowledged", v.Records, v.Expected)
	}
	return v
}

// verifyKgoAtLeastOnce is verifyKgo for producers that may write a retried
// batch twice: every acknowledged message is there, intact and in its
// partition, at least once.
func verifyKgoAtLeastOnce(t *testing.T, cl *workload.Cluster, exp workload.Expectation) {
	t.Helper()
	v, err := workload.ReadBackKgo(ctx(t), cl.Addrs, exp)
	if err != nil {
		t.Fatalf("kgo read-back: %v", err)
	}
	if err := v.ErrAtLeastOnce(); err != nil {
		t.Fatal(err)
	}
}

// verifySarama is verifyKgo with Sarama's own consumer.
func verifySarama(t *testing.T, cl *workload.Cluster, version sarama.KafkaVersion, exp workload.Expectation) {
	t.Helper()
	v, err := workload.ReadBackSarama(ctx(t), cl.Addrs, version, exp)
	if err != nil {
		t.Fatalf("sarama read-back: %v", err)
	}
	if err := v.Err(); err != nil {
		t.Fatal(err)
	}
	if v.Records != v.Expected {
		t.Fatalf("sarama read %d records, %d were acknowledged", v.Records, v.Expected)
	}
}
