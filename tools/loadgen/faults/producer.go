package faults

import (
	"time"

	"github.com/IBM/sarama"
)

// ReadTimeout is the producers' Net.ReadTimeout in these runs: how long a
// HoldResponse fault holds its connection. Short, so that the runs are, and
// long enough that responses the brokers do send are not given up on under
// the race detector on a loaded machine (those would be faults too, only
// unscheduled).
const ReadTimeout = time.Second

// Tolerate sets what a producer needs to see every message of a run of the
// default schedule acknowledged: retries enough that no message exhausts
// them (a request is faulted about one time in seven; 31 faults in a row
// do not happen), short backoffs, ReadTimeout, and requests of at most 8
// messages, so that even a short run makes enough requests for every fault
// to strike.
func Tolerate(c *sarama.Config) {
	c.Net.ReadTimeout = ReadTimeout
	c.Producer.Retry.Max = 30
	c.Producer.Retry.Backoff = 20 * time.Millisecond
	c.Metadata.Retry.Max = 10
	c.Metadata.Retry.Backoff = 20 * time.Millisecond
	c.Producer.Flush.MaxMessages = 8
}

// MixedSizes is a workload.SizeFunc of values from 80 bytes to 200 KiB:
// half of them under 1 KiB, 35% up to 16 KiB, 12% up to 64 KiB and 3% up
// to 200 KiB (about 12 KiB on average), a pure function of the message.
func MixedSizes(producer, seq int) int {
	h := uint64(producer)<<32 | uint64(uint32(seq))
	// splitmix64's finalizer: every input bit moves every output bit.
	h += 0x9e3779b97f4a7c15
	h = (h ^ h>>30) * 0xbf58476d1ce4e5b9
	h = (h ^ h>>27) * 0x94d049bb133111eb
	h ^= h >> 31
	pick, r := h%100, int(h>>8)
	switch {
	case pick < 50:
		return 80 + r%(1<<10-80)
	case pick < 85:
		return 1<<10 + r%(15<<10)
	case pick < 97:
		return 16<<10 + r%(48<<10)
	default:
		return 64<<10 + r%(136<<10+1)
	}
}
