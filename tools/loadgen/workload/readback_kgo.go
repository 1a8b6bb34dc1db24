package workload

import (
	"context"
	"fmt"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// ReadBackKgo reads the whole topic with franz-go's consumer, a client that
// shares no code with Sarama, and checks it against exp. The returned error
// is about reading (cluster unreachable, timeout); what was read is judged
// by Verdict.Err.
func ReadBackKgo(ctx context.Context, addrs []string, exp Expectation) (Verdict, error) {
	chk := newChecker("kgo", exp)
	admin, err := kgo.NewClient(kgo.SeedBrokers(addrs...))
	if err != nil {
		return Verdict{}, err
	}
	start, end, err := listOffsets(ctx, admin, exp.Topic)
	admin.Close()
	if err != nil {
		return Verdict{}, err
	}

	from := map[int32]kgo.Offset{}
	remaining := 0
	for p, s := range start {
		if s < end[p] {
			from[p] = kgo.NewOffset().At(s)
			remaining++
		}
	}
	if remaining == 0 {
		return chk.verdict(), nil
	}
	cl, err := kgo.NewClient(
		kgo.SeedBrokers(addrs...),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{exp.Topic: from}),
		kgo.WithHooks(batchHook{chk}),
		// A transaction's marker may be a partition's last offset: kept,
		// it tells the read-back that the partition is done.
		kgo.KeepControlRecords(),
	)
	if err != nil {
		return Verdict{}, err
	}
	defer cl.Close()

	next := map[int32]int64{}
	for remaining > 0 {
		fetches := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			return chk.verdict(), fmt.Errorf("kgo read-back: %d partitions unfinished: %w", remaining, err)
		}
		for _, fe := range fetches.Errors() {
			return chk.verdict(), fmt.Errorf("kgo read-back p%d: %w", fe.Partition, fe.Err)
		}
		fetches.EachRecord(func(r *kgo.Record) {
			if r.Offset >= end[r.Partition] {
				return // written after the read-back started; not ours to judge
			}
			if !r.Attrs.IsControl() {
				chk.record(r.Partition, r.Offset, r.Key, r.Value)
			}
			if next[r.Partition] < end[r.Partition] && r.Offset+1 >= end[r.Partition] {
				remaining--
			}
			next[r.Partition] = r.Offset + 1
		})
	}
	return chk.verdict(), nil
}

// batchHook feeds kgo's per-batch statistics (compression codec and sizes)
// to the checker: the real compression ratio of what Sarama produced.
type batchHook struct{ c *checker }

func (h batchHook) OnFetchBatchRead(_ kgo.BrokerMetadata, _ string, _ int32, m kgo.FetchBatchMetrics) {
	h.c.batch(m.CompressionType, m.CompressedBytes, m.UncompressedBytes)
}

// listOffsets returns the log start and end offset of every partition of
// topic, asking each partition's leader.
func listOffsets(ctx context.Context, cl *kgo.Client, topic string) (start, end map[int32]int64, err error) {
	mreq := kmsg.NewPtrMetadataRequest()
	mt := kmsg.NewMetadataRequestTopic()
	mt.Topic = kmsg.StringPtr(topic)
	mreq.Topics = append(mreq.Topics, mt)
	mresp, err := mreq.RequestWith(ctx, cl)
	if err != nil {
		return nil, nil, fmt.Errorf("metadata: %w", err)
	}
	if len(mresp.Topics) != 1 {
		return nil, nil, fmt.Errorf("metadata: %d topics for %s", len(mresp.Topics), topic)
	}
	if err := kerr.ErrorForCode(mresp.Topics[0].ErrorCode); err != nil {
		return nil, nil, fmt.Errorf("metadata %s: %w", topic, err)
	}
	partitions := mresp.Topics[0].Partitions

	at := func(ts int64) (map[int32]int64, error) {
		req := kmsg.NewPtrListOffsetsRequest()
		req.ReplicaID = -1
		rt := kmsg.NewListOffsetsRequestTopic()
		rt.Topic = topic
		for _, p := range partitions {
			rp := kmsg.NewListOffsetsRequestTopicPartition()
			rp.Partition = p.Partition
			rp.Timestamp = ts
			rt.Partitions = append(rt.Partitions, rp)
		}
		req.Topics = append(req.Topics, rt)
		out := map[int32]int64{}
		for _, shard := range cl.RequestSharded(ctx, req) {
			if shard.Err != nil {
				return nil, fmt.Errorf("list offsets: %w", shard.Err)
			}
			for _, t := range shard.Resp.(*kmsg.ListOffsetsResponse).Topics {
				for _, p := range t.Partitions {
					if err := kerr.ErrorForCode(p.ErrorCode); err != nil {
						return nil, fmt.Errorf("list offsets p%d: %w", p.Partition, err)
					}
					out[p.Partition] = p.Offset
				}
			}
		}
		if len(out) != len(partitions) {
			return nil, fmt.Errorf("list offsets: %d of %d partitions answered", len(out), len(partitions))
		}
		return out, nil
	}
	if start, err = at(-2); err != nil { // -2: earliest
		return nil, nil, err
	}
	if end, err = at(-1); err != nil { // -1: latest (the high watermark)
		return nil, nil, err
	}
	return start, end, nil
}
