package workload

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// Expectation is what a read-back must find: for each producer, the
// outcome log of its messages (Producer.Acks), and the value size they were
// generated with.
type Expectation struct {
	Topic     string
	ValueSize int
	Sizes     SizeFunc      // if set, the size of each message, in place of ValueSize
	Logs      map[int][]Ack // producer id -> outcome per sequence number
}

// SizeFunc gives the value size of message seq of producer, for runs whose
// messages differ in size. It must be a pure function of its arguments: the
// verifiers call it to rebuild each value.
type SizeFunc func(producer, seq int) int

// sizeOf is the value size message seq of producer was generated with.
func (e *Expectation) sizeOf(producer, seq int) int {
	if e.Sizes != nil {
		return e.Sizes(producer, seq)
	}
	return e.ValueSize
}

// Expect builds the expectation from the producers of a run.
func Expect(topic string, size int, producers []*Producer) Expectation {
	e := Expectation{Topic: topic, ValueSize: size, Logs: make(map[int][]Ack, len(producers))}
	for _, p := range producers {
		e.Logs[p.ID] = p.Acks()
	}
	return e
}

// Verdict is the result of reading a topic back with one consumer.
type Verdict struct {
	Consumer       string
	Records        int // records read
	Expected       int // acknowledged messages, each of which must be read exactly once
	Missing        int // acknowledged, never read
	Duplicates     int // read more than once
	Corrupt        int // checksum, key or bytes wrong
	Unexpected     int // read, but never handed to Sarama
	OutOfOrder     int // a producer's sequence went backwards inside a partition
	OffsetMismatch int // read at another partition/offset than the producer's acknowledgement said
	WrongPartition int // read on another partition than the one it was acknowledged on
	NotAtAck       int // acknowledged, read, but never at the partition/offset acknowledged

	// Batch statistics, as far as the consumer exposes them.
	Batches           int
	ZstdBatches       int
	CompressedBytes   int64
	UncompressedBytes int64

	Examples []string // the first few problems, for the summary
}

// Err is nil when every acknowledged message was read exactly once, intact,
// in order and where it was acknowledged; otherwise it summarises what went
// wrong.
func (v *Verdict) Err() error {
	if v.Missing+v.Duplicates+v.Corrupt+v.Unexpected+v.OutOfOrder+v.OffsetMismatch == 0 {
		return nil
	}
	return fmt.Errorf("%s read-back failed: %d records for %d acknowledged: %d missing, %d duplicated, %d corrupt, %d unexpected, %d out of order, %d at the wrong offset; first problems: %s",
		v.Consumer, v.Records, v.Expected, v.Missing, v.Duplicates, v.Corrupt, v.Unexpected, v.OutOfOrder, v.OffsetMismatch,
		strings.Join(v.Examples, "; "))
}

// ErrAtLeastOnce is Err for producers that are not idempotent: a retry may
// write a message again (its first write's acknowledgement was lost), which
// puts a copy at another offset and the producer's sequence out of order
// there. Those are allowed; a message missing, corrupt, never sent, on
// another partition, or not at the place it was acknowledged at is not.
func (v *Verdict) ErrAtLeastOnce() error {
	if v.Missing+v.Corrupt+v.Unexpected+v.WrongPartition+v.NotAtAck == 0 {
		return nil
	}
	return fmt.Errorf("%s read-back failed: %d records for %d acknowledged: %d missing, %d corrupt, %d unexpected, %d on another partition, %d not where acknowledged (%d duplicated, %d out of order, allowed); first problems: %s",
		v.Consumer, v.Records, v.Expected, v.Missing, v.Corrupt, v.Unexpected, v.WrongPartition, v.NotAtAck, v.Duplicates, v.OutOfOrder,
		strings.Join(v.Examples, "; "))
}

// Ratio is the zstd compression ratio of the batches read, or 0 if the
// consumer did not report batch sizes.
func (v *Verdict) Ratio() float64 {
	if v.CompressedBytes == 0 {
		return 0
	}
	return float64(v.UncompressedBytes) / float64(v.CompressedBytes)
}

// checker accumulates a Verdict from records delivered in partition order by
// any number of goroutines.
type checker struct {
	exp Expectation

	mu    sync.Mutex
	v     Verdict
	seen  map[int][]uint8 // producer -> times each sequence number was read
	atAck map[int][]bool  // producer -> whether a read was at the acknowledged place
	last  map[[2]int]int  // (partition, producer) -> last sequence read
}

func newChecker(consumer string, exp Expectation) *checker {
	c := &checker{exp: exp, v: Verdict{Consumer: consumer}, seen: map[int][]uint8{}, atAck: map[int][]bool{}, last: map[[2]int]int{}}
	for id, log := range exp.Logs {
		c.seen[id] = make([]uint8, len(log))
		c.atAck[id] = make([]bool, len(log))
		for _, a := range log {
			if a.State == Acked {
				c.v.Expected++
			}
		}
	}
	return c
}

func (c *checker) problem(kind *int, format string, args ...any) {
	*kind++
	if len(c.v.Examples) < 8 {
		c.v.Examples = append(c.v.Examples, fmt.Sprintf(format, args...))
	}
}

// record checks one record; records of one partition must arrive in offset
// order.
func (c *checker) record(partition int32, offset int64, key, value []byte) {
	// Regenerating the expected value is the costly part; do it unlocked.
	var verr error
	producer, seq, kerr := ParseKey(key)
	if kerr == nil {
		verr = CheckValue(value)
		if verr == nil && !bytes.Equal(value, Value(producer, seq, c.exp.sizeOf(producer, seq))) {
			verr = errors.New("value bytes differ from what was produced")
		}
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	c.v.Records++
	if kerr != nil {
		c.problem(&c.v.Corrupt, "p%d@%d: %v", partition, offset, kerr)
		return
	}
	if verr != nil {
		c.problem(&c.v.Corrupt, "p%d@%d key %s: %v", partition, offset, key, verr)
		return
	}
	log, ok := c.exp.Logs[producer]
	if !ok || seq >= len(log) || log[seq].State == NotSent {
		c.problem(&c.v.Unexpected, "p%d@%d key %s was never sent", partition, offset, key)
		return
	}
	// A failed or still pending message may legitimately have been written
	// (the broker may have stored it before the error); only acknowledged
	// messages have a known place.
	if a := log[seq]; a.State == Acked {
		switch {
		case a.Partition != partition:
			c.problem(&c.v.WrongPartition, "key %s read on p%d@%d, acknowledged on p%d@%d", key, partition, offset, a.Partition, a.Offset)
			c.v.OffsetMismatch++
		case a.Offset != offset:
			c.problem(&c.v.OffsetMismatch, "key %s read at p%d@%d, acknowledged at p%d@%d", key, partition, offset, a.Partition, a.Offset)
		default:
			c.atAck[producer][seq] = true
		}
	}
	if c.seen[producer][seq]++; c.seen[producer][seq] > 1 {
		c.problem(&c.v.Duplicates, "key %s read again at p%d@%d", key, partition, offset)
	}
	pp := [2]int{int(partition), producer}
	if prev, ok := c.last[pp]; ok && seq <= prev {
		c.problem(&c.v.OutOfOrder, "p%d@%d: producer %d seq %d after seq %d", partition, offset, producer, seq, prev)
	}
	c.last[pp] = seq
}

// batch records the statistics of one fetched batch.
func (c *checker) batch(compressionType uint8, compressed, uncompressed int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.v.Batches++
	if compressionType == 4 { // zstd in the Kafka record batch attributes
		c.v.ZstdBatches++
	}
	c.v.CompressedBytes += int64(compressed)
	c.v.UncompressedBytes += int64(uncompressed)
}

// verdict finishes the check: acknowledged messages never read are missing.
func (c *checker) verdict() Verdict {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, log := range c.exp.Logs {
		for seq, a := range log {
			switch {
			case a.State != Acked:
			case c.seen[id][seq] == 0:
				c.problem(&c.v.Missing, "key %s acknowledged at p%d@%d never read", Key(id, seq), a.Partition, a.Offset)
			case !c.atAck[id][seq]:
				c.problem(&c.v.NotAtAck, "key %s acknowledged at p%d@%d read only elsewhere", Key(id, seq), a.Partition, a.Offset)
			}
		}
	}
	return c.v
}
