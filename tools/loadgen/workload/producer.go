package workload

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/IBM/sarama"
)

// ProducerOptions are the settings shared by every producer of a run.
type ProducerOptions struct {
	Version    sarama.KafkaVersion
	Level      int           // zstd level; sarama.CompressionLevelDefault for the library default
	Linger     time.Duration // Producer.Flush.Frequency: how long a batch may wait to fill
	Idempotent bool
	// Tune, when set, adjusts each producer's config last (for example the
	// fork's encoder pool limits, which only a saramazstd build can set).
	Tune func(id int, c *sarama.Config)
}

// Config builds the Sarama config of producer id: its own config and
// therefore its own MetricRegistry, as independent services in one process
// would have.
func (o ProducerOptions) Config(id int) *sarama.Config {
	c := sarama.NewConfig()
	c.ClientID = fmt.Sprintf("loadgen-%d", id)
	c.Version = o.Version
	c.Producer.Compression = sarama.CompressionZSTD
	c.Producer.CompressionLevel = o.Level
	c.Producer.Return.Successes = true
	c.Producer.Return.Errors = true
	c.Producer.RequiredAcks = sarama.WaitForAll
	c.Producer.Flush.Frequency = o.Linger
	c.Producer.Partitioner = sarama.NewHashPartitioner
	c.Metadata.AllowAutoTopicCreation = false
	if o.Idempotent {
		c.Producer.Idempotent = true
		c.Net.MaxOpenRequests = 1 // Sarama requires it for idempotence
	}
	if o.Tune != nil {
		o.Tune(id, c)
	}
	return c
}

// AckState is what the producer learnt about one message.
type AckState uint8

const (
	NotSent AckState = iota // never handed to Sarama
	Pending                 // handed to Sarama, no outcome yet
	Acked                   // acknowledged by the cluster at Partition/Offset
	Failed                  // returned on the Errors channel
)

// Ack is the outcome of one message, indexed by its sequence number.
type Ack struct {
	State     AckState
	Partition int32
	Offset    int64
}

// Producer is one independent Sarama producer with its own client and
// config, and the log of what happened to each message it was given.
type Producer struct {
	ID     int
	Config *sarama.Config
	// Sizes, if set before Send, gives each message's value size in place
	// of Send's size argument.
	Sizes  SizeFunc
	client sarama.Client
	async  sarama.AsyncProducer

	mu        sync.Mutex
	acks      []Ack
	pending   sync.WaitGroup
	errs      []error
	collected chan struct{} // closed when Sarama closed both result channels
	window    chan struct{} // one token per unacknowledged message, if limited
	acked     atomic.Int64  // acknowledgements so far, for progress reports
	ackedSize atomic.Int64  // key+value bytes of the acknowledged messages
	// spare holds the value buffers of messages Sarama has returned, for
	// the next messages to reuse (guarded by mu): the workload's own
	// allocations then stay small next to Sarama's, which are measured.
	// Produce empties it, so that nothing is kept after the load.
	spare [][]byte
}

// NewProducer connects producer id to addrs.
func NewProducer(id int, addrs []string, conf *sarama.Config) (*Producer, error) {
	client, err := sarama.NewClient(addrs, conf)
	if err != nil {
		return nil, fmt.Errorf("producer %d: client: %w", id, err)
	}
	async, err := sarama.NewAsyncProducerFromClient(client)
	if err != nil {
		_ = client.Close()
		return nil, fmt.Errorf("producer %d: %w", id, err)
	}
	p := &Producer{ID: id, Config: conf, client: client, async: async}
	p.collected = make(chan struct{})
	go p.collect()
	return p, nil
}

// Connect opens the connections to the leaders of every partition of topic
// and waits for them. Sarama otherwise connects on the first message, and
// the connection set-up (including the per-broker metric histograms it
// registers, the largest allocation of an idle client) would be counted in
// the measured phase, identical for every build and hiding what differs.
func (p *Producer) Connect(topic string) error {
	partitions, err := p.client.Partitions(topic)
	if err != nil {
		return fmt.Errorf("producer %d: %w", p.ID, err)
	}
	for _, part := range partitions {
		b, err := p.client.Leader(topic, part) // opens the connection if needed
		if err != nil {
			return fmt.Errorf("producer %d: leader of %d: %w", p.ID, part, err)
		}
		if ok, err := b.Connected(); !ok { // waits for the connection attempt
			return fmt.Errorf("producer %d: broker %d: not connected: %v", p.ID, b.ID(), err)
		}
	}
	return nil
}

// collect records every outcome Sarama reports. It ends when Sarama closes
// both channels after Close.
func (p *Producer) collect() {
	defer close(p.collected)
	succ, errs := p.async.Successes(), p.async.Errors()
	for succ != nil || errs != nil {
		select {
		case m, ok := <-succ:
			if !ok {
				succ = nil
				continue
			}
			p.record(m, Ack{State: Acked, Partition: m.Partition, Offset: m.Offset}, nil)
			p.acked.Add(1)
			p.ackedSize.Add(int64(m.Key.Length() + m.Value.Length()))
		case e, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			p.record(e.Msg, Ack{State: Failed, Partition: -1, Offset: -1}, e.Err)
		}
	}
}

func (p *Producer) record(m *sarama.ProducerMessage, a Ack, err error) {
	seq := m.Metadata.(int)
	p.mu.Lock()
	p.acks[seq] = a
	// Sarama has returned the message and no longer reads its value.
	if v, ok := m.Value.(sarama.ByteEncoder); ok {
		p.spare = append(p.spare, v)
	}
	if err != nil && len(p.errs) < 5 {
		p.errs = append(p.errs, fmt.Errorf("producer %d seq %d: %w", p.ID, seq, err))
	}
	p.mu.Unlock()
	if p.window != nil {
		<-p.window
	}
	p.pending.Done()
}

// LimitInFlight makes Send wait while n messages are unacknowledged, as a
// service that needs the outcome of its writes would; without it every
// message of the run is queued inside Sarama at once and the backlog, not
// the compression, dominates the heap. Call it before Send; n <= 0 means no
// limit.
func (p *Producer) LimitInFlight(n int) {
	if n > 0 {
		p.window = make(chan struct{}, n)
	}
}

// Produce sends messages 0..n-1 of this producer to topic and waits for all
// their outcomes; see Send for stop and ctx.
func (p *Producer) Produce(ctx context.Context, topic string, n, size int, stop <-chan struct{}) int {
	sent := p.Send(ctx, topic, n, size, stop)
	p.Wait()
	p.mu.Lock()
	p.spare = nil
	p.mu.Unlock()
	return sent
}

// Send hands messages 0..n-1 of this producer to Sarama and returns how many
// it handed over, without waiting for their outcomes (see Wait, Close). It
// stops early when stop is closed or ctx ends.
func (p *Producer) Send(ctx context.Context, topic string, n, size int, stop <-chan struct{}) int {
	p.mu.Lock()
	if cap(p.acks) >= n {
		p.acks = p.acks[:n]
		clear(p.acks)
	} else {
		p.acks = make([]Ack, n)
	}
	p.mu.Unlock()
	sent := 0
	for seq := range n {
		if p.window != nil {
			select {
			case p.window <- struct{}{}:
			case <-stop:
				return sent
			case <-ctx.Done():
				return sent
			}
		}
		// Generate the message only now, so that a limited producer holds
		// no more than its window of messages.
		p.mu.Lock()
		var buf []byte
		if n := len(p.spare); n > 0 {
			buf, p.spare = p.spare[n-1], p.spare[:n-1]
		}
		p.acks[seq].State = Pending
		p.mu.Unlock()
		if p.Sizes != nil {
			size = p.Sizes(p.ID, seq)
		}
		m := &sarama.ProducerMessage{
			Topic:    topic,
			Key:      sarama.ByteEncoder(Key(p.ID, seq)),
			Value:    sarama.ByteEncoder(ValueInto(buf, p.ID, seq, size)),
			Metadata: seq,
		}
		p.pending.Add(1)
		select {
		case p.async.Input() <- m:
			sent++
			continue
		case <-stop:
		case <-ctx.Done():
		}
		p.unsend(seq)
		return sent
	}
	return sent
}

// Reserve allocates the outcome log for n messages ahead of Send, so that
// a measured phase does not count it: it is the workload's bookkeeping, not
// Sarama's, and it stays allocated after the phase.
func (p *Producer) Reserve(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if cap(p.acks) < n {
		p.acks = make([]Ack, 0, n)
	}
}

// AckedCount is the number of acknowledgements received so far.
func (p *Producer) AckedCount() int64 { return p.acked.Load() }

// AckedBytes is the key+value size of the messages acknowledged so far.
func (p *Producer) AckedBytes() int64 { return p.ackedSize.Load() }

// Wait blocks until every message handed to Sarama has an outcome.
func (p *Producer) Wait() { p.pending.Wait() }

// unsend takes back message seq, prepared but never handed to Sarama, and
// returns its window token.
func (p *Producer) unsend(seq int) {
	p.mu.Lock()
	p.acks[seq].State = NotSent
	p.mu.Unlock()
	if p.window != nil {
		<-p.window
	}
	p.pending.Done()
}

// Acks returns a copy of the outcome log, indexed by sequence number.
func (p *Producer) Acks() []Ack {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Ack(nil), p.acks...)
}

// Errors returns the first few produce errors.
func (p *Producer) Errors() []error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]error(nil), p.errs...)
}

// Close flushes what Sarama still buffers (every message handed over gets
// an outcome, recorded by the collector), then closes producer and client.
// It uses AsyncClose because Close would drain the Successes channel itself
// and the acknowledgements would be lost to the log. Sarama unregisters a
// producer's metrics from its registry when it shuts down, so read
// PoolMetrics before.
func (p *Producer) Close() error {
	p.async.AsyncClose()
	<-p.collected
	err := p.client.Close()
	if err == sarama.ErrClosedClient {
		err = nil
	}
	return err
}
