package functional

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"sarama-zstd.example/tools/loadgen/faults"
	"sarama-zstd.example/tools/loadgen/workload"
)

// faultSeed seeds every fault schedule of these tests: which requests fail
// differs from run to run only as the requests' order does.
const faultSeed = 19

// faultTimeout bounds the produce phase of a test under faults, only to
// turn a hang into a failure: longer than testTimeout, since each held
// response costs the producers a read timeout.
const faultTimeout = 3 * time.Minute

// faultCluster starts a 3-broker cluster that faults produce requests on
// the default schedule.
func faultCluster(t *testing.T) (*faults.Cluster, faults.Schedule) {
	t.Helper()
	s := faults.DefaultSchedule(faultSeed)
	cl, err := faults.Start(3, s)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl, s
}

// checkFaults fails the test unless the brokers received only intact
// records, each on its partition, and every fault of the schedule struck.
func checkFaults(t *testing.T, cl *faults.Cluster, s faults.Schedule) {
	t.Helper()
	arr := cl.Arrivals()
	if err := arr.Err(); err != nil {
		t.Error(err)
	}
	if arr.Records == 0 {
		t.Error("the brokers checked no record")
	}
	if missing := cl.MissingFaults(s); len(missing) > 0 {
		t.Errorf("faults that never struck in %d produce requests: %v", cl.Requests(), missing)
	}
	t.Logf("%d produce requests handled, %d batches and %d records checked on arrival; faults: %v",
		cl.Requests(), arr.Batches, arr.Records, cl.Injected())
}

// Many producers send values from 80 B to 200 KiB in zstd batches while
// the cluster drops connections before and after appending, holds
// responses past the producers' read timeout, answers
// NOT_LEADER_OR_FOLLOWER, REQUEST_TIMED_OUT and
// NOT_ENOUGH_REPLICAS_AFTER_APPEND, and moves partition leaders. Every
// message is acknowledged; every batch the brokers receive is intact
// (resends included, which the fork compresses again into pooled buffers),
// and a read-back by franz-go finds every acknowledged message, intact, at
// its partition and offset: exactly once and in order for idempotent
// producers; for the others, retries may write a message twice, and Kafka
// keeps their order only when nothing is retried.
func TestNothingAcknowledgedLostUnderFaults(t *testing.T) {
	for _, mode := range []struct {
		name       string
		idempotent bool
	}{{"plain", false}, {"idempotent", true}} {
		t.Run(mode.name, func(t *testing.T) {
			cl, s := faultCluster(t)
			tp := topic(t)
			const partitions = 6
			cl.Watch(tp, partitions, nil)
			const producers, messages = 16, 100
			c, cancel := context.WithTimeout(context.Background(), faultTimeout)
			defer cancel()
			res, err := workload.Run(c, cl.Cluster, workload.RunOptions{
				Topic: tp, Partitions: partitions,
				Producers: producers, Messages: messages, Sizes: faults.MixedSizes,
				Producer: workload.ProducerOptions{
					Version: sarama.V2_1_0_0, Idempotent: mode.idempotent,
					Tune: func(_ int, c *sarama.Config) { faults.Tolerate(c) },
				},
			})
			if err != nil {
				t.Fatalf("produce: %v", err)
			}
			if res.Messages != producers*messages || res.Failed != 0 {
				t.Fatalf("produce: %d of %d messages acknowledged, %d failed: %v", res.Messages, producers*messages, res.Failed, res.Errors)
			}
			checkFaults(t, cl, s)

			v, err := workload.ReadBackKgo(ctx(t), cl.Addrs, res.Expect)
			if err != nil {
				t.Fatalf("kgo read-back: %v", err)
			}
			if mode.idempotent {
				err = v.Err()
			} else {
				err = v.ErrAtLeastOnce()
			}
			if err != nil {
				t.Fatal(err)
			}
			reordered, streams := faults.Reordered(res.Expect)
			t.Logf("read back %d records for %d acknowledged: %d written again by retries, %d placed before a message sent earlier (in %d of %d producer-partition streams)",
				v.Records, v.Expected, v.Records-v.Expected, reordered, streams, producers*partitions)
		})
	}
}

// faultProducerConfig is the config of producer id in the tests below.
func faultProducerConfig(id int, idempotent bool) *sarama.Config {
	c := workload.ProducerOptions{Version: sarama.V2_1_0_0, Idempotent: idempotent}.Config(id)
	faults.Tolerate(c)
	return c
}

// faultTopic creates a topic of the given partitions and has the brokers
// watch it (see faults.Cluster.Watch).
func faultTopic(t *testing.T, cl *faults.Cluster, partitions int32, place faults.Placement) string {
	t.Helper()
	tp := topic(t)
	if err := cl.CreateTopic(ctx(t), tp, partitions); err != nil {
		t.Fatal(err)
	}
	cl.Watch(tp, partitions, place)
	return tp
}

// message is message seq of producer id, as the workload makes them.
func message(tp string, id, seq int) *sarama.ProducerMessage {
	return &sarama.ProducerMessage{
		Topic: tp,
		Key:   sarama.ByteEncoder(workload.Key(id, seq)),
		Value: sarama.ByteEncoder(workload.Value(id, seq, faults.MixedSizes(id, seq))),
	}
}

// checkSomeFaults fails the test unless the brokers received only intact
// records, each on its partition, and faults struck: these runs are too
// short for every fault of the schedule to be sure to.
func checkSomeFaults(t *testing.T, cl *faults.Cluster) {
	t.Helper()
	arr := cl.Arrivals()
	if err := arr.Err(); err != nil {
		t.Error(err)
	}
	if arr.Records == 0 || len(cl.Injected()) == 0 {
		t.Errorf("%d records checked on arrival, faults %v: the run proves nothing", arr.Records, cl.Injected())
	}
	t.Logf("%d produce requests handled, %d batches and %d records checked on arrival; faults: %v",
		cl.Requests(), arr.Batches, arr.Records, cl.Injected())
}

// A SyncProducer shared by goroutines, sending single messages and
// batches of five, under the same faults: every call returns success, and
// every message is where its call said.
func TestSyncProducerUnderFaults(t *testing.T) {
	const (
		senders = 4
		perSend = 60 // messages per sender
	)
	cl, _ := faultCluster(t)
	tp := faultTopic(t, cl, 3, nil)
	sp, err := sarama.NewSyncProducer(cl.Addrs, faultProducerConfig(0, false))
	if err != nil {
		t.Fatal(err)
	}
	exp := workload.Expectation{Topic: tp, Sizes: faults.MixedSizes, Logs: map[int][]workload.Ack{}}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for id := range senders {
		log := make([]workload.Ack, perSend)
		exp.Logs[id] = log
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seq := 0; seq < perSend; {
				if id%2 == 0 || seq%10 < 5 { // one at a time
					m := message(tp, id, seq)
					p, o, err := sp.SendMessage(m)
					if err != nil {
						mu.Lock()
						errs = append(errs, err)
						mu.Unlock()
						return
					}
					log[seq] = workload.Ack{State: workload.Acked, Partition: p, Offset: o}
					seq++
					continue
				}
				var batch []*sarama.ProducerMessage
				for i := range 5 {
					batch = append(batch, message(tp, id, seq+i))
				}
				if err := sp.SendMessages(batch); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					return
				}
				for i, m := range batch {
					log[seq+i] = workload.Ack{State: workload.Acked, Partition: m.Partition, Offset: m.Offset}
				}
				seq += len(batch)
			}
		}()
	}
	wg.Wait()
	if err := sp.Close(); err != nil {
		t.Error(err)
	}
	if len(errs) > 0 {
		t.Fatalf("%d senders failed: %v", len(errs), errs)
	}
	checkSomeFaults(t, cl)
	verifyKgoAtLeastOnce(t, cl.Cluster, exp)
}

// A transactional producer commits ten transactions under the same
// faults: each commit succeeds, and the read-back finds every message
// exactly once, in order, where it was acknowledged.
func TestTransactionalProducerUnderFaults(t *testing.T) {
	const (
		txns   = 10
		perTxn = 25
	)
	cl, _ := faultCluster(t)
	tp := faultTopic(t, cl, 3, nil)
	conf := faultProducerConfig(0, true)
	conf.Producer.Transaction.ID = "functional-" + tp
	ap, err := sarama.NewAsyncProducer(cl.Addrs, conf)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ap.Close() }()
	log := make([]workload.Ack, txns*perTxn)
	for txn := range txns {
		if err := ap.BeginTxn(); err != nil {
			t.Fatalf("transaction %d: begin: %v", txn, err)
		}
		for i := range perTxn {
			m := message(tp, 0, txn*perTxn+i)
			m.Metadata = txn*perTxn + i
			ap.Input() <- m
		}
		for range perTxn {
			select {
			case m := <-ap.Successes():
				log[m.Metadata.(int)] = workload.Ack{State: workload.Acked, Partition: m.Partition, Offset: m.Offset}
			case e := <-ap.Errors():
				t.Fatalf("transaction %d: %v", txn, e)
			case <-ctx(t).Done():
				t.Fatalf("transaction %d: no outcome before the deadline", txn)
			}
		}
		if err := ap.CommitTxn(); err != nil {
			t.Fatalf("transaction %d: commit: %v", txn, err)
		}
	}
	checkSomeFaults(t, cl)
	exp := workload.Expectation{Topic: tp, Sizes: faults.MixedSizes, Logs: map[int][]workload.Ack{0: log}}
	verifyKgo(t, cl.Cluster, exp)
}

// Batches an application builds itself, sent with Broker.Produce to each
// partition's leader and sent again on any error (after a new look at
// the metadata), under the same faults: the fork compresses them without
// a producer, with the default pool of their level. Every batch is
// eventually acknowledged, and is where its response said.
func TestBrokerProduceUnderFaults(t *testing.T) {
	const (
		senders    = 4
		batches    = 40 // per sender
		perBatch   = 3
		partitions = 3
	)
	cl, _ := faultCluster(t)
	// Batch b of sender id goes to partition id+b.
	tp := faultTopic(t, cl, partitions, func(key []byte, partitions int32) int32 {
		id, seq, _ := workload.ParseKey(key)
		return batchPartition(id, seq/perBatch, partitions)
	})
	client, err := sarama.NewClient(cl.Addrs, faultProducerConfig(0, false))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = client.Close() }()
	exp := workload.Expectation{Topic: tp, Sizes: faults.MixedSizes, Logs: map[int][]workload.Ack{}}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for id := range senders {
		log := make([]workload.Ack, batches*perBatch)
		exp.Logs[id] = log
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range batches {
				partition := batchPartition(id, b, partitions)
				first := b * perBatch
				if err := produceBatch(ctx(t), client, tp, partition, id, first, perBatch, log); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("%d senders failed: %v", len(errs), errs)
	}
	checkSomeFaults(t, cl)
	verifyKgoAtLeastOnce(t, cl.Cluster, exp)
}

func batchPartition(id, batch int, partitions int32) int32 {
	return int32(id+batch) % partitions
}

// produceBatch sends messages first..first+n-1 of producer id as one zstd
// batch to partition with Broker.Produce until a response acknowledges it,
// and records where.
func produceBatch(c context.Context, client sarama.Client, tp string, partition int32, id, first, n int, log []workload.Ack) error {
	now := time.Now().Truncate(time.Millisecond)
	batch := &sarama.RecordBatch{
		Version: 2, Codec: sarama.CompressionZSTD, CompressionLevel: sarama.CompressionLevelDefault,
		ProducerID: -1, ProducerEpoch: -1, FirstSequence: -1,
		FirstTimestamp: now, MaxTimestamp: now, LastOffsetDelta: int32(n - 1),
	}
	for i := range n {
		seq := first + i
		batch.Records = append(batch.Records, &sarama.Record{
			OffsetDelta: int64(i),
			Key:         workload.Key(id, seq),
			Value:       workload.Value(id, seq, faults.MixedSizes(id, seq)),
		})
	}
	req := &sarama.ProduceRequest{Version: 3, RequiredAcks: sarama.WaitForAll, Timeout: 10_000}
	req.AddBatch(tp, partition, batch)
	var last error
	for attempt := 0; attempt < 30; attempt++ {
		if c.Err() != nil {
			break
		}
		if attempt > 0 {
			time.Sleep(20 * time.Millisecond)
			_ = client.RefreshMetadata(tp)
		}
		broker, err := client.Leader(tp, partition)
		if err != nil {
			last = err
			continue
		}
		resp, err := broker.Produce(req)
		if err != nil {
			_ = broker.Close() // the connection is lost or out of step: open a new one
			last = err
			continue
		}
		block := resp.GetBlock(tp, partition)
		if block == nil {
			last = errors.New("no block for the partition in the response")
			continue
		}
		if block.Err != sarama.ErrNoError {
			last = block.Err
			continue
		}
		for i := range n {
			log[first+i] = workload.Ack{State: workload.Acked, Partition: partition, Offset: block.Offset + int64(i)}
		}
		return nil
	}
	return fmt.Errorf("producer %d: batch from seq %d to %s/%d not acknowledged: %w", id, first, tp, partition, last)
}
