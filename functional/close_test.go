package functional

import (
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"sarama-zstd.example/tools/loadgen/workload"
)

// A producer closed while it still has messages buffered and in flight must
// not lose anything it acknowledged: Close flushes, every message handed to
// Sarama gets an outcome, and every acknowledged one is read back exactly
// once at its acknowledged offset. Producers sharing the process (and, with
// the fork, the encoder pool) carry on unaffected.
func TestProducerClosedMidRunLosesNothingAcknowledged(t *testing.T) {
	const (
		size        = 600
		victimMsgs  = 1_000_000 // far more than it can send before being closed
		ackedBefore = 300
		others      = 4
		otherMsgs   = 200
	)
	cl := cluster(t)
	tp := topic(t)
	if err := cl.CreateTopic(ctx(t), tp, 6); err != nil {
		t.Fatal(err)
	}
	opts := workload.ProducerOptions{
		Version: sarama.V2_1_0_0,
		Level:   sarama.CompressionLevelDefault,
		Linger:  20 * time.Millisecond, // batches wait, so messages are buffered when Close comes
	}
	var producers []*workload.Producer
	for id := range others + 1 {
		p, err := workload.NewProducer(id, cl.Addrs, opts.Config(id))
		if err != nil {
			t.Fatal(err)
		}
		producers = append(producers, p)
	}
	victim, rest := producers[0], producers[1:]

	var wg sync.WaitGroup
	for _, p := range rest {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.Produce(ctx(t), tp, otherMsgs, size, nil)
		}()
	}
	stop := make(chan struct{})
	sentCh := make(chan int, 1)
	go func() { sentCh <- victim.Send(ctx(t), tp, victimMsgs, size, stop) }()

	deadline := time.Now().Add(testTimeout)
	for victim.AckedCount() < ackedBefore {
		if time.Now().After(deadline) {
			t.Fatalf("only %d acknowledgements before the deadline", victim.AckedCount())
		}
		time.Sleep(time.Millisecond)
	}
	close(stop)
	sent := <-sentCh
	pendingAtClose := 0
	for _, a := range victim.Acks() {
		if a.State == workload.Pending {
			pendingAtClose++
		}
	}
	if err := victim.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	t.Logf("victim: %d sent, %d without outcome when Close was called", sent, pendingAtClose)

	acked, failed := 0, 0
	for seq, a := range victim.Acks() {
		switch a.State {
		case workload.Pending:
			t.Fatalf("seq %d has no outcome after Close: Close did not flush", seq)
		case workload.Acked:
			acked++
		case workload.Failed:
			failed++
		}
	}
	if sent >= victimMsgs || acked < ackedBefore || acked+failed != sent {
		t.Fatalf("victim sent %d, %d acknowledged, %d failed: want a mid-run stop with an outcome for each", sent, acked, failed)
	}

	wg.Wait()
	for _, p := range rest {
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
	}
	exp := workload.Expect(tp, size, producers)
	for _, p := range rest {
		for seq, a := range exp.Logs[p.ID] {
			if a.State != workload.Acked {
				t.Fatalf("producer %d seq %d not acknowledged after the victim closed", p.ID, seq)
			}
		}
	}
	verifyKgo(t, cl, exp)
}
