package workload

import (
	"context"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Cluster is where the workload runs: an embedded kfake cluster owned by
// this process, or an external cluster given by its bootstrap addresses.
type Cluster struct {
	Addrs []string
	fake  *kfake.Cluster
}

// StartEmbedded starts a kfake cluster of n brokers listening on 127.0.0.1
// only (ephemeral ports), so a benchmark never exposes a broker to the
// network. kfake stores produced batches as they arrive, compressed, which is
// why correctness is proven by reading them back rather than trusted.
func StartEmbedded(brokers int) (*Cluster, error) {
	fake, err := kfake.NewCluster(
		kfake.NumBrokers(brokers),
		kfake.ListenFn(loopbackListen),
	)
	if err != nil {
		return nil, fmt.Errorf("start embedded cluster: %w", err)
	}
	return &Cluster{Addrs: fake.ListenAddrs(), fake: fake}, nil
}

// External wraps the bootstrap addresses of a running cluster.
func External(addrs []string) *Cluster { return &Cluster{Addrs: addrs} }

// Close stops the embedded cluster; it does nothing for an external one.
func (c *Cluster) Close() {
	if c.fake != nil {
		c.fake.Close()
	}
}

// Embedded reports whether the cluster lives in this process.
func (c *Cluster) Embedded() bool { return c.fake != nil }

// CreateTopic creates topic with the given partitions through the Kafka
// protocol, the same way for embedded and external clusters, and waits until
// its metadata shows every partition with a leader.
func (c *Cluster) CreateTopic(ctx context.Context, topic string, partitions int32) error {
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.Addrs...))
	if err != nil {
		return err
	}
	defer cl.Close()

	req := kmsg.NewPtrCreateTopicsRequest()
	rt := kmsg.NewCreateTopicsRequestTopic()
	rt.Topic = topic
	rt.NumPartitions = partitions
	rt.ReplicationFactor = -1 // the broker's default
	req.Topics = append(req.Topics, rt)
	req.TimeoutMillis = 30_000
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return fmt.Errorf("create topic %s: %w", topic, err)
	}
	for _, t := range resp.Topics {
		if err := kerr.ErrorForCode(t.ErrorCode); err != nil && err != kerr.TopicAlreadyExists {
			return fmt.Errorf("create topic %s: %w", topic, err)
		}
	}

	for {
		mreq := kmsg.NewPtrMetadataRequest()
		mt := kmsg.NewMetadataRequestTopic()
		mt.Topic = kmsg.StringPtr(topic)
		mreq.Topics = append(mreq.Topics, mt)
		mresp, err := mreq.RequestWith(ctx, cl)
		if err == nil && len(mresp.Topics) == 1 && mresp.Topics[0].ErrorCode == 0 &&
			int32(len(mresp.Topics[0].Partitions)) == partitions && allLed(mresp.Topics[0].Partitions) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("topic %s not ready: %w", topic, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func allLed(ps []kmsg.MetadataResponseTopicPartition) bool {
	for _, p := range ps {
		if p.ErrorCode != 0 || p.Leader < 0 {
			return false
		}
	}
	return true
}
