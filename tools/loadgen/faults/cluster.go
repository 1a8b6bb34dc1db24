package faults

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"sarama-zstd.example/tools/loadgen/workload"
)

// Cluster is an embedded kfake cluster whose produce requests fail on a
// schedule, and whose brokers check every record batch they receive for the
// topics it watches.
type Cluster struct {
	*workload.Cluster // its Addrs, and CreateTopic through the protocol
	fake              *kfake.Cluster

	wire, broker *deck
	done         chan struct{} // closed by Close: held responses are let go
	stats        stats
	arrivals     *arrivals
	nodes        []int32
	watching     atomic.Bool // a topic is watched: faults strike

	mu      sync.Mutex
	watched map[string]int32 // topic -> partitions, for leader moves
	topics  []string         // the watched topics, in the order watched
}

// Start starts a cluster of the given number of brokers, faulting produce
// requests on schedule s (faulting nothing until a topic is watched).
func Start(brokers int, s Schedule) (*Cluster, error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	c := &Cluster{
		wire:     newDeck(s, 1, Fault.wire),
		broker:   newDeck(s, 2, func(f Fault) bool { return !f.wire() }),
		done:     make(chan struct{}),
		arrivals: newArrivals(),
		watched:  map[string]int32{},
	}
	fake, err := kfake.NewCluster(kfake.NumBrokers(brokers), kfake.ListenFn(c.listen))
	if err != nil {
		return nil, fmt.Errorf("faults: start cluster: %w", err)
	}
	c.fake = fake
	c.Cluster = workload.External(fake.ListenAddrs())
	for i := range brokers {
		c.nodes = append(c.nodes, int32(i))
	}
	fake.ControlKey(int16(kmsg.Produce), c.controlProduce)
	return c, nil
}

// Watch makes the brokers check the record batches of topic as they arrive
// (see Arrivals), each record on the partition place gives its key (nil:
// Sarama's hash partitioner), and move its partitions' leaders; faults
// strike once a topic is watched.
func (c *Cluster) Watch(topic string, partitions int32, place Placement) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.watched[topic] = partitions
	c.topics = append(c.topics, topic)
	c.arrivals.watch(topic, partitions, place)
	c.watching.Store(true)
}

// Close stops the cluster.
func (c *Cluster) Close() {
	close(c.done)
	c.fake.Close()
}

// Injected returns how many times each fault struck.
func (c *Cluster) Injected() map[Fault]int64 {
	out := map[Fault]int64{}
	for f := None + 1; f < numFaults; f++ {
		if n := c.stats.count[f].Load(); n > 0 {
			out[f] = n
		}
	}
	return out
}

// MissingFaults lists the faults of the schedule that never struck.
func (c *Cluster) MissingFaults(s Schedule) []Fault {
	var missing []Fault
	for f := None + 1; f < numFaults; f++ {
		if s.Count[f] > 0 && c.stats.count[f].Load() == 0 {
			missing = append(missing, f)
		}
	}
	return missing
}

// Requests is the number of produce requests the brokers handled (those
// dropped on arrival not counted).
func (c *Cluster) Requests() int64 { return c.stats.requests.Load() }

// Arrivals is what the brokers found in the record batches of the watched
// topics.
func (c *Cluster) Arrivals() ArrivalReport { return c.arrivals.report() }

type stats struct {
	count    [numFaults]atomic.Int64
	requests atomic.Int64
}

func (s *stats) injected(f Fault) { s.count[f].Add(1) }

// controlProduce runs for each produce request a broker handles: it checks
// the batches of watched topics, then deals the request's broker fault. It
// never answers the request itself (returns false): the broker handles it,
// with the fault installed for it alone.
func (c *Cluster) controlProduce(req kmsg.Request) (kmsg.Response, error, bool) {
	pr := req.(*kmsg.ProduceRequest)
	if !c.watching.Load() {
		return nil, nil, false
	}
	c.stats.requests.Add(1)
	c.arrivals.check(pr)

	var code *kerr.Error
	switch f := c.broker.deal(); f {
	case NotLeader:
		code = kerr.NotLeaderForPartition
	case TimedOutAfterAppend:
		code = kerr.RequestTimedOut
	case NotEnoughReplicasAfterAppend:
		code = kerr.NotEnoughReplicasAfterAppend
	case MoveLeader:
		if c.moveLeader() {
			c.stats.injected(f)
		}
		return nil, nil, false
	default:
		return nil, nil, false
	}
	c.stats.injected(c.faultOf(code))
	c.fake.Fault(kfake.Fault{
		Keys:  []kmsg.Key{kmsg.Produce},
		Err:   code,
		Count: 1,
		When:  func(r kmsg.Request) bool { return r == req },
	})
	return nil, nil, false
}

func (c *Cluster) faultOf(code *kerr.Error) Fault {
	switch code {
	case kerr.NotLeaderForPartition:
		return NotLeader
	case kerr.RequestTimedOut:
		return TimedOutAfterAppend
	default:
		return NotEnoughReplicasAfterAppend
	}
}

// moveLeader moves one watched partition, chosen by the schedule, to
// another broker, also chosen by it.
func (c *Cluster) moveLeader() bool {
	if len(c.nodes) < 2 {
		return false
	}
	c.mu.Lock()
	topic := c.topics[c.broker.intn(len(c.topics))]
	partition := int32(c.broker.intn(int(c.watched[topic])))
	c.mu.Unlock()
	leader := c.fake.LeaderFor(topic, partition)
	others := slices.DeleteFunc(slices.Clone(c.nodes), func(n int32) bool { return n == leader })
	return c.fake.MoveTopicPartition(topic, partition, others[c.broker.intn(len(others))]) == nil
}
