package workload

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/IBM/sarama"
)

// ReadBackSarama reads the whole topic with Sarama's own consumer (one
// partition consumer per partition) and checks it against exp. Unlike kgo it
// decompresses with the Sarama under test, so it also proves that the zstd
// batches round-trip through the same library version.
func ReadBackSarama(ctx context.Context, addrs []string, version sarama.KafkaVersion, exp Expectation) (Verdict, error) {
	chk := newChecker("sarama", exp)
	conf := sarama.NewConfig()
	conf.ClientID = "loadgen-verify"
	conf.Version = version
	conf.Consumer.Return.Errors = true
	client, err := sarama.NewClient(addrs, conf)
	if err != nil {
		return Verdict{}, err
	}
	defer func() { _ = client.Close() }()
	consumer, err := sarama.NewConsumerFromClient(client)
	if err != nil {
		return Verdict{}, err
	}
	defer func() { _ = consumer.Close() }()

	partitions, err := client.Partitions(exp.Topic)
	if err != nil {
		return Verdict{}, err
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for _, p := range partitions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := readPartition(ctx, client, consumer, exp.Topic, p, chk); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return chk.verdict(), errors.Join(errs...)
}

func readPartition(ctx context.Context, client sarama.Client, consumer sarama.Consumer, topic string, p int32, chk *checker) error {
	start, err := client.GetOffset(topic, p, sarama.OffsetOldest)
	if err != nil {
		return fmt.Errorf("sarama read-back p%d: %w", p, err)
	}
	end, err := client.GetOffset(topic, p, sarama.OffsetNewest)
	if err != nil {
		return fmt.Errorf("sarama read-back p%d: %w", p, err)
	}
	if start >= end {
		return nil
	}
	pc, err := consumer.ConsumePartition(topic, p, start)
	if err != nil {
		return fmt.Errorf("sarama read-back p%d: %w", p, err)
	}
	defer func() { _ = pc.Close() }()
	for {
		select {
		case m := <-pc.Messages():
			if m.Offset >= end {
				return nil
			}
			chk.record(p, m.Offset, m.Key, m.Value)
			if m.Offset+1 >= end {
				return nil
			}
		case e := <-pc.Errors():
			return fmt.Errorf("sarama read-back p%d: %w", p, e.Err)
		case <-ctx.Done():
			return fmt.Errorf("sarama read-back p%d stopped before offset %d: %w", p, end, ctx.Err())
		}
	}
}
