package faults

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"strings"
	"sync"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"sarama-zstd.example/tools/loadgen/workload"
)

// ArrivalReport is what the brokers found in the record batches of the
// watched topics, resent ones included, whether or not they appended them.
type ArrivalReport struct {
	Batches  int // record batches received
	Records  int // records in them
	Problems int // batches or records that were not what was produced
	Examples []string
}

// Err is nil when every batch and record received was intact and in place.
func (r ArrivalReport) Err() error {
	if r.Problems == 0 {
		return nil
	}
	return fmt.Errorf("brokers received %d bad batches or records (of %d batches, %d records): %s",
		r.Problems, r.Batches, r.Records, strings.Join(r.Examples, "; "))
}

// arrivals checks the batches of produce requests as a broker receives
// them: the batch's CRC, that it is zstd, that its records are numbered
// from 0 (the offset deltas are inside the compressed bytes: a consumer
// reads every record of a batch misnumbered at one offset), and for each
// record that
// workload.CheckMessage accepts it (a value intact, under its own message's
// key) and that its partition is the one its key belongs on (Placement). Comparing each value with the one its message was generated
// with is left to the read-back: on arrival it would double the cost of a
// run under the race detector, and the checksum already catches a changed
// byte.
type arrivals struct {
	decompressor kgo.Decompressor

	mu      sync.Mutex
	topics  map[string]watchedTopic
	report_ ArrivalReport
}

type watchedTopic struct {
	partitions int32
	place      Placement
}

// Placement gives the partition the record of key belongs on, of a topic's
// partitions. Nil is Sarama's hash partitioner, the producers' in these
// runs.
type Placement func(key []byte, partitions int32) int32

func newArrivals() *arrivals {
	return &arrivals{decompressor: kgo.DefaultDecompressor(), topics: map[string]watchedTopic{}}
}

func (a *arrivals) watch(topic string, partitions int32, place Placement) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.topics[topic] = watchedTopic{partitions, place}
}

func (a *arrivals) report() ArrivalReport {
	a.mu.Lock()
	defer a.mu.Unlock()
	r := a.report_
	r.Examples = append([]string(nil), r.Examples...)
	return r
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// check checks the batches of one produce request.
func (a *arrivals) check(req *kmsg.ProduceRequest) {
	for _, t := range req.Topics {
		a.mu.Lock()
		w, ok := a.topics[t.Topic]
		a.mu.Unlock()
		if !ok {
			continue
		}
		for _, p := range t.Partitions {
			records, problems := a.checkBatch(t.Topic, p.Partition, p.Records, w)
			a.mu.Lock()
			a.report_.Batches++
			a.report_.Records += records
			for _, pr := range problems {
				a.report_.Problems++
				if len(a.report_.Examples) < 8 {
					a.report_.Examples = append(a.report_.Examples, pr)
				}
			}
			a.mu.Unlock()
		}
	}
}

// checkBatch returns the number of records of one batch and what is wrong
// with it.
func (a *arrivals) checkBatch(topic string, partition int32, raw []byte, w watchedTopic) (int, []string) {
	where := fmt.Sprintf("%s/%d", topic, partition)
	var b kmsg.RecordBatch
	if err := b.ReadFrom(raw); err != nil || len(raw) < 21 {
		return 0, []string{fmt.Sprintf("%s: unreadable batch: %v", where, err)}
	}
	if b.CRC != int32(crc32.Checksum(raw[21:], castagnoli)) {
		return 0, []string{fmt.Sprintf("%s: batch CRC mismatch", where)}
	}
	if codec := b.Attributes & 0x07; codec != int16(kgo.CodecZstd) {
		return 0, []string{fmt.Sprintf("%s: batch codec %d, not zstd", where, codec)}
	}
	data, err := a.decompressor.Decompress(b.Records, kgo.CodecZstd)
	if err != nil {
		return 0, []string{fmt.Sprintf("%s: batch of %d records does not decompress: %v", where, b.NumRecords, err)}
	}
	var problems []string
	place := w.place
	if place == nil {
		partitioner := sarama.NewHashPartitioner(topic) // not safe for concurrent use
		place = func(key []byte, partitions int32) int32 {
			p, err := partitioner.Partition(&sarama.ProducerMessage{Key: sarama.ByteEncoder(key)}, partitions)
			if err != nil {
				return -1
			}
			return p
		}
	}
	n := 0
	for len(data) > 0 {
		length, m := binary.Varint(data)
		if m <= 0 || length < 0 || int64(len(data)-m) < length {
			return n, append(problems, fmt.Sprintf("%s: record %d of %d truncated", where, n, b.NumRecords))
		}
		var rec kmsg.Record
		if err := rec.ReadFrom(data[:m+int(length)]); err != nil {
			return n, append(problems, fmt.Sprintf("%s: record %d: %v", where, n, err))
		}
		data = data[m+int(length):]
		if rec.OffsetDelta != int32(n) {
			problems = append(problems, fmt.Sprintf("%s: record %d of %d has offset delta %d", where, n, b.NumRecords, rec.OffsetDelta))
		}
		n++
		if pr := w.checkRecord(place, partition, rec.Key, rec.Value); pr != "" {
			problems = append(problems, where+": "+pr)
		}
	}
	if n != int(b.NumRecords) {
		problems = append(problems, fmt.Sprintf("%s: %d records in a batch of %d", where, n, b.NumRecords))
	}
	return n, problems
}

// checkRecord returns what is wrong with one record, or "".
func (w watchedTopic) checkRecord(place Placement, partition int32, key, value []byte) string {
	if _, _, err := workload.CheckMessage(key, value); err != nil {
		return err.Error()
	}
	if want := place(key, w.partitions); want != partition {
		return fmt.Sprintf("key %s on partition %d, belongs on %d", key, partition, want)
	}
	return ""
}
