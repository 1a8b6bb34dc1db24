package faults

import (
	"slices"
	"testing"
)

// Every round deals each fault exactly its count, the same seed deals the
// same sequence, and another seed another one.
func TestDeckDealsEachRoundsFaults(t *testing.T) {
	s := DefaultSchedule(7)
	deal := func(seed uint64, n int) []Fault {
		s.Seed = seed
		d := newDeck(s, 1, func(f Fault) bool { return !f.wire() })
		out := make([]Fault, n)
		for i := range out {
			out[i] = d.deal()
		}
		return out
	}
	got := deal(7, 3*s.Round)
	for r := range 3 {
		var count [numFaults]int
		for _, f := range got[r*s.Round : (r+1)*s.Round] {
			count[f]++
		}
		for f := None + 1; f < numFaults; f++ {
			want := s.Count[f]
			if f.wire() {
				want = 0
			}
			if count[f] != want {
				t.Errorf("round %d: %s dealt %d times, want %d", r, f, count[f], want)
			}
		}
	}
	if !slices.Equal(got, deal(7, 3*s.Round)) {
		t.Error("the same seed dealt another sequence")
	}
	if slices.Equal(got, deal(8, 3*s.Round)) {
		t.Error("another seed dealt the same sequence")
	}
}

func TestScheduleValidate(t *testing.T) {
	if err := DefaultSchedule(1).validate(); err != nil {
		t.Fatal(err)
	}
	s := DefaultSchedule(1)
	s.Round = 9 // 10 broker faults
	if s.validate() == nil {
		t.Error("a round too small for its faults accepted")
	}
	s = DefaultSchedule(1)
	s.Count[NotLeader] = -1
	if s.validate() == nil {
		t.Error("a negative count accepted")
	}
}
