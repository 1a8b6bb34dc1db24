package faults

import (
	"fmt"
	"math/rand/v2"
	"sync"
)

// Fault is what happens to one produce request.
type Fault uint8

const (
	None Fault = iota
	// DropRequest closes the connection as the request arrives: the broker
	// never sees it.
	DropRequest
	// DropResponse closes the connection instead of writing the response:
	// the broker appended the batches.
	DropResponse
	// HoldResponse keeps the response until the client closes the
	// connection, which it does when its read timeout expires: the broker
	// appended the batches, and the connection's later requests are lost.
	HoldResponse
	// NotLeader answers NOT_LEADER_OR_FOLLOWER for every partition of the
	// request, before appending.
	NotLeader
	// TimedOutAfterAppend appends, then answers REQUEST_TIMED_OUT.
	TimedOutAfterAppend
	// NotEnoughReplicasAfterAppend appends, then answers
	// NOT_ENOUGH_REPLICAS_AFTER_APPEND.
	NotEnoughReplicasAfterAppend
	// MoveLeader moves the leadership of one watched partition to another
	// broker before the request is handled.
	MoveLeader
	numFaults
)

var faultNames = [numFaults]string{
	None:                         "none",
	DropRequest:                  "drop-request",
	DropResponse:                 "drop-response",
	HoldResponse:                 "hold-response",
	NotLeader:                    "not-leader",
	TimedOutAfterAppend:          "timed-out-after-append",
	NotEnoughReplicasAfterAppend: "not-enough-replicas-after-append",
	MoveLeader:                   "move-leader",
}

func (f Fault) String() string {
	if f < numFaults {
		return faultNames[f]
	}
	return fmt.Sprintf("fault(%d)", f)
}

// wire reports whether the fault is made by the connection rather than the
// broker's handling.
func (f Fault) wire() bool { return f == DropRequest || f == DropResponse || f == HoldResponse }

// Schedule says how often each fault happens. Faults come in rounds of
// Round requests: in each round, each fault strikes exactly its count of
// requests, at places shuffled by Seed. The connections and the brokers
// draw from two decks (a request reaches a broker only past its
// connection), each round of each deck holding its own faults.
type Schedule struct {
	Seed  uint64
	Round int            // requests per round
	Count [numFaults]int // faults per round; None is the rest
}

// DefaultSchedule faults about 14% of produce requests and moves a leader
// every 25 requests: per 100 requests at the connections, 3 dropped
// requests, 3 dropped responses and 2 held responses; per 100 requests at
// the brokers, 3 NOT_LEADER_OR_FOLLOWER, 2 REQUEST_TIMED_OUT and 1
// NOT_ENOUGH_REPLICAS_AFTER_APPEND after appending, 4 leader moves.
func DefaultSchedule(seed uint64) Schedule {
	s := Schedule{Seed: seed, Round: 100}
	s.Count[DropRequest] = 3
	s.Count[DropResponse] = 3
	s.Count[HoldResponse] = 2
	s.Count[NotLeader] = 3
	s.Count[TimedOutAfterAppend] = 2
	s.Count[NotEnoughReplicasAfterAppend] = 1
	s.Count[MoveLeader] = 4
	return s
}

// validate checks that both decks fit in a round.
func (s Schedule) validate() error {
	var wire, broker int
	for f := None + 1; f < numFaults; f++ {
		if s.Count[f] < 0 {
			return fmt.Errorf("faults: negative count for %s", f)
		}
		if f.wire() {
			wire += s.Count[f]
		} else {
			broker += s.Count[f]
		}
	}
	if s.Round < 1 || wire > s.Round || broker > s.Round {
		return fmt.Errorf("faults: %d connection and %d broker faults do not fit rounds of %d requests", wire, broker, s.Round)
	}
	return nil
}

// deck deals the faults of one side (connections or brokers) request by
// request.
type deck struct {
	mu    sync.Mutex
	rng   *rand.Rand
	round []Fault // the faults of a round, in the order the last shuffle left them
	next  int
}

// newDeck builds the deck of the faults for which side returns true.
func newDeck(s Schedule, stream uint64, side func(Fault) bool) *deck {
	d := &deck{rng: rand.New(rand.NewPCG(s.Seed, stream))}
	for f := None + 1; f < numFaults; f++ {
		if side(f) {
			for range s.Count[f] {
				d.round = append(d.round, f)
			}
		}
	}
	for len(d.round) < s.Round {
		d.round = append(d.round, None)
	}
	d.next = len(d.round)
	return d
}

// deal returns the fault of the next request.
func (d *deck) deal() Fault {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.next == len(d.round) {
		d.rng.Shuffle(len(d.round), func(i, j int) { d.round[i], d.round[j] = d.round[j], d.round[i] })
		d.next = 0
	}
	f := d.round[d.next]
	d.next++
	return f
}

// intn is a seeded choice for what a fault needs to decide (which
// partition moves, and where).
func (d *deck) intn(n int) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.rng.IntN(n)
}
