//go:build saramazstd

package functional

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"sarama-zstd.example/tools/loadgen/workload"
)

// lyingZstdBatch is a record batch (message format v2) of one record, with a
// correct CRC, whose zstd payload is an 18-byte frame declaring claim bytes:
// frame header with an 8-byte content size and a 1 KiB window, then one RLE
// block of one byte.
func lyingZstdBatch(claim uint64) []byte {
	frame := []byte{0x28, 0xb5, 0x2f, 0xfd, 0xc0, 0}
	frame = binary.LittleEndian.AppendUint64(frame, claim)
	frame = append(frame, 1<<3|1<<1|1, 0, 0, 'x') // last block, RLE, size 1
	now := time.Now().UnixMilli()
	b := kmsg.RecordBatch{
		PartitionLeaderEpoch: -1, Magic: 2, Attributes: 4, // zstd
		FirstTimestamp: now, MaxTimestamp: now,
		ProducerID: -1, ProducerEpoch: -1, FirstSequence: -1,
		NumRecords: 1, Records: frame,
	}
	raw := b.AppendTo(nil)
	binary.BigEndian.PutUint32(raw[8:], uint32(len(raw)-12))                                          // Length
	binary.BigEndian.PutUint32(raw[17:], crc32.Checksum(raw[21:], crc32.MakeTable(crc32.Castagnoli))) // CRC
	return raw
}

// produceRaw writes batch to partition 0 of topic with a raw produce
// request, the way a broken or hostile producer could.
func produceRaw(t *testing.T, cl *kgo.Client, topic string, batch []byte) {
	t.Helper()
	mreq := kmsg.NewPtrMetadataRequest()
	mt := kmsg.NewMetadataRequestTopic()
	mt.Topic = kmsg.StringPtr(topic)
	mreq.Topics = append(mreq.Topics, mt)
	mresp, err := mreq.RequestWith(ctx(t), cl)
	if err != nil || len(mresp.Topics) != 1 {
		t.Fatalf("metadata of %s: %v", topic, err)
	}
	req := kmsg.NewPtrProduceRequest()
	req.Acks = -1
	req.TimeoutMillis = 10_000
	rt := kmsg.NewProduceRequestTopic()
	rt.Topic, rt.TopicID = topic, mresp.Topics[0].TopicID // by name before v13, by ID since
	rp := kmsg.NewProduceRequestTopicPartition()
	rp.Partition = 0
	rp.Records = batch
	rt.Partitions = append(rt.Partitions, rp)
	req.Topics = append(req.Topics, rt)
	resp, err := req.RequestWith(ctx(t), cl)
	if err != nil {
		t.Fatalf("raw produce: %v", err)
	}
	if err := kerr.ErrorForCode(resp.Topics[0].Partitions[0].ErrorCode); err != nil {
		t.Fatalf("raw produce: %v", err)
	}
}

// A batch whose zstd frame declares 4 GiB, and one declaring 48 GiB, in 18
// bytes each, between valid batches: the fork's consumer, with the default
// configuration (MaxDecompressedBatchSize 0), reports each on its
// partition's Errors() with the offsets and the claim, delivers the next
// valid record, and keeps delivering the partition that shares the broker.
// Upstream v1.61.1 allocates the 4 GiB, and dies of the 48 GiB with
// "fatal error: runtime: out of memory".
func TestConsumerSurvivesZstdFramesThatLieAboutTheirSize(t *testing.T) {
	cl, err := workload.StartEmbedded(1) // one broker leads both partitions
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	tp := topic(t)
	if err := cl.CreateTopic(ctx(t), tp, 2); err != nil {
		t.Fatal(err)
	}
	kcl, err := kgo.NewClient(kgo.SeedBrokers(cl.Addrs...), kgo.DefaultProduceTopic(tp),
		kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.ProducerBatchCompression(kgo.ZstdCompression()))
	if err != nil {
		t.Fatal(err)
	}
	defer kcl.Close()
	produce := func(partition int32, value string) {
		t.Helper()
		if err := kcl.ProduceSync(ctx(t), &kgo.Record{Partition: partition, Value: []byte(value)}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	claims := []uint64{4 << 30, 48 << 30}
	produce(0, "before")
	produce(1, "other-1")
	for _, claim := range claims {
		produceRaw(t, kcl, tp, lyingZstdBatch(claim))
	}
	produce(0, "after")
	produce(1, "other-2")

	conf := sarama.NewConfig()
	conf.Consumer.Return.Errors = true // otherwise the errors go to sarama.Logger
	if sarama.MaxDecompressedBatchSize != 0 {
		t.Fatalf("MaxDecompressedBatchSize = %d, want the default 0", sarama.MaxDecompressedBatchSize)
	}
	consumer, err := sarama.NewConsumer(cl.Addrs, conf)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := consumer.Close(); err != nil {
			t.Error(err)
		}
	}()

	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	got, errs := consumeAll(t, consumer, tp, 0, 2)
	if want := "0:before 3:after"; got != want {
		t.Errorf("partition 0 delivered %q, want %q", got, want)
	}
	if len(errs) != len(claims) {
		t.Fatalf("partition 0 reported %d errors, want %d: %v", len(errs), len(claims), errs)
	}
	for i, claim := range claims {
		var bad *sarama.BatchDecompressionError
		e := errs[i]
		if !errors.As(e, &bad) || !errors.Is(e, sarama.ErrMalformedZstdFrame) || bad.FirstOffset != int64(1+i) {
			t.Errorf("error %d: %v; want a malformed zstd frame at offset %d", i, e, 1+i)
			continue
		}
		if msg := e.Error(); !strings.Contains(msg, fmt.Sprintf("declares %d bytes", claim)) {
			t.Errorf("error %d does not name the claim of %d bytes: %s", i, claim, msg)
		}
		t.Log(e)
	}
	if got, errs := consumeAll(t, consumer, tp, 1, 2); got != "0:other-1 1:other-2" || len(errs) > 0 {
		t.Errorf("partition 1 delivered %q with errors %v", got, errs)
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	// Everything the process allocated meanwhile, cluster included.
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 1<<30 {
		t.Errorf("consuming allocated %d MiB", allocated>>20)
	}
}

// consumeAll reads n records of the partition from the oldest offset and
// returns them as "offset:value" words, with the errors reported meanwhile.
func consumeAll(t *testing.T, consumer sarama.Consumer, topic string, partition int32, n int) (string, []error) {
	t.Helper()
	pc, err := consumer.ConsumePartition(topic, partition, sarama.OffsetOldest)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	var errs []error
	c := ctx(t)
	for len(got) < n {
		select {
		case m := <-pc.Messages():
			got = append(got, fmt.Sprintf("%d:%s", m.Offset, m.Value))
		case e := <-pc.Errors():
			errs = append(errs, e)
		case <-c.Done():
			t.Fatalf("partition %d: %q and %v after %v", partition, got, errs, testTimeout)
		}
	}
	// Close drains the partition consumer and returns the errors left.
	if err := pc.Close(); err != nil {
		var left sarama.ConsumerErrors
		if !errors.As(err, &left) {
			t.Fatal(err)
		}
		for _, e := range left {
			errs = append(errs, e)
		}
	}
	return strings.Join(got, " "), errs
}
