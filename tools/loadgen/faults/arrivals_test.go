package faults

import (
	"hash/crc32"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/twmb/franz-go/pkg/kmsg"

	"sarama-zstd.example/tools/loadgen/workload"
)

// zstdBatch encodes records as a zstd record batch, the way a producer
// sends it.
func zstdBatch(t *testing.T, records [][2][]byte) []byte {
	t.Helper()
	return zstdBatchNumbered(t, records, 1)
}

// zstdBatchNumbered is zstdBatch with the offset delta of record i
// step*i.
func zstdBatchNumbered(t *testing.T, records [][2][]byte, step int) []byte {
	t.Helper()
	var raw []byte
	for i, kv := range records {
		r := kmsg.Record{OffsetDelta: int32(step * i), Key: kv[0], Value: kv[1]}
		body := r.AppendTo(nil)[1:] // without the length AppendTo wrote for 0
		r.Length = int32(len(body))
		raw = r.AppendTo(raw)
	}
	enc, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	b := kmsg.RecordBatch{
		Magic: 2, Attributes: 4, LastOffsetDelta: int32(len(records) - 1),
		ProducerID: -1, ProducerEpoch: -1, FirstSequence: -1,
		NumRecords: int32(len(records)), Records: enc.EncodeAll(raw, nil),
	}
	out := b.AppendTo(nil)
	b.Length = int32(len(out) - 12)
	out = b.AppendTo(nil)
	b.CRC = int32(crc32.Checksum(out[21:], castagnoli))
	return b.AppendTo(nil)
}

func produceRequest(topic string, partition int32, batch []byte) *kmsg.ProduceRequest {
	req := kmsg.NewPtrProduceRequest()
	rt := kmsg.NewProduceRequestTopic()
	rt.Topic = topic
	rp := kmsg.NewProduceRequestTopicPartition()
	rp.Partition, rp.Records = partition, batch
	rt.Partitions = append(rt.Partitions, rp)
	req.Topics = append(req.Topics, rt)
	return req
}

// The arrival check accepts a batch as a producer wrote it and finds each
// way a batch can be wrong: a byte changed in its compressed records, a
// value under another message's key, a record on another partition.
func TestArrivalsFindBadBatches(t *testing.T) {
	msg := func(producer, seq int) [2][]byte {
		return [2][]byte{workload.Key(producer, seq), workload.Value(producer, seq, MixedSizes(producer, seq))}
	}
	place := func(key []byte, partitions int32) int32 {
		_, seq, _ := workload.ParseKey(key)
		return int32(seq) % partitions
	}
	intact := [][2][]byte{msg(1, 0), msg(1, 2), msg(1, 4)} // all on partition 0 of 2
	for _, c := range []struct {
		name      string
		partition int32
		batch     func() []byte
		problem   string
	}{
		{"intact", 0, func() []byte { return zstdBatch(t, intact) }, ""},
		{"corrupt compressed byte", 0, func() []byte {
			b := zstdBatch(t, intact)
			b[len(b)-20] ^= 0xff
			return b
		}, "CRC"},
		{"poisoned records, CRC recomputed", 0, func() []byte {
			b := zstdBatch(t, intact)
			for i := 61; i < len(b); i++ { // the records, after the batch header
				b[i] = 0xa5
			}
			var rb kmsg.RecordBatch
			_ = rb.ReadFrom(b)
			rb.CRC = int32(crc32.Checksum(b[21:], castagnoli))
			return rb.AppendTo(nil)
		}, "does not decompress"},
		{"another message's value", 0, func() []byte {
			swapped := [][2][]byte{msg(1, 0), {msg(1, 2)[0], msg(1, 4)[1]}}
			return zstdBatch(t, swapped)
		}, "names another message"},
		{"records misnumbered", 0, func() []byte { return zstdBatchNumbered(t, intact, 0) }, "offset delta 0"},
		{"wrong partition", 1, func() []byte { return zstdBatch(t, intact) }, "belongs on 0"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := newArrivals()
			a.watch("t", 2, place)
			a.check(produceRequest("t", c.partition, c.batch()))
			a.check(produceRequest("unwatched", 0, []byte("not even a batch")))
			r := a.report()
			if r.Batches != 1 {
				t.Fatalf("%d batches checked, want the watched topic's 1", r.Batches)
			}
			if c.problem == "" {
				if err := r.Err(); err != nil || r.Records != len(intact) {
					t.Fatalf("intact batch: %d records, %v", r.Records, err)
				}
				return
			}
			if err := r.Err(); err == nil || !strings.Contains(err.Error(), c.problem) {
				t.Fatalf("got %v, want a problem mentioning %q", err, c.problem)
			}
		})
	}
}
