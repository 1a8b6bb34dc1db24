package functional

import (
	"testing"

	"sarama-zstd.example/tools/loadgen/workload"
)

// The read-back is what makes every other test meaningful, so it must be
// shown to fail: a message claimed acknowledged but never produced is
// missing, and values judged against the wrong content are corrupt.
func TestVerifierDetectsLossAndCorruption(t *testing.T) {
	cl := cluster(t)
	res := produce(t, cl, workload.RunOptions{Producers: 3, Messages: 10})

	lost := cloneExpectation(res.Expect)
	lost.Logs[99] = []workload.Ack{{State: workload.Acked, Partition: 0, Offset: 12345}}
	v, err := workload.ReadBackKgo(ctx(t), cl.Addrs, lost)
	if err != nil {
		t.Fatal(err)
	}
	if v.Missing != 1 || v.Err() == nil {
		t.Errorf("a never-produced message went unnoticed: %+v", v)
	}

	wrong := cloneExpectation(res.Expect)
	wrong.ValueSize += 200 // every regenerated value now differs from the stored one
	v, err = workload.ReadBackKgo(ctx(t), cl.Addrs, wrong)
	if err != nil {
		t.Fatal(err)
	}
	if v.Corrupt != 30 || v.Err() == nil {
		t.Errorf("%d of 30 mismatching values flagged corrupt", v.Corrupt)
	}

	unsent := cloneExpectation(res.Expect)
	delete(unsent.Logs, 0) // producer 0's messages are now unexplained
	v, err = workload.ReadBackKgo(ctx(t), cl.Addrs, unsent)
	if err != nil {
		t.Fatal(err)
	}
	if v.Unexpected != 10 || v.Err() == nil {
		t.Errorf("%d of 10 unexplained messages flagged unexpected", v.Unexpected)
	}
}

func cloneExpectation(e workload.Expectation) workload.Expectation {
	c := e
	c.Logs = make(map[int][]workload.Ack, len(e.Logs))
	for id, log := range e.Logs {
		c.Logs[id] = append([]workload.Ack(nil), log...)
	}
	return c
}
