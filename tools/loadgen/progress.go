package main

import (
	"fmt"
	"os"
	"sync"
	"time"
)

// progress draws one self-overwriting status line, but only when the output
// is a terminal: redirected output (the compare program, CI logs) stays free
// of carriage-return noise.
type progress struct {
	out   *os.File
	on    bool
	start time.Time
	mu    sync.Mutex
	drawn bool
}

func newProgress(out *os.File) *progress {
	fi, err := out.Stat()
	return &progress{out: out, on: err == nil && fi.Mode()&os.ModeCharDevice != 0, start: time.Now()}
}

func (p *progress) update(acked, total int64) {
	if !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	el := time.Since(p.start).Seconds()
	fmt.Fprintf(p.out, "\rproduced %d/%d (%3.0f%%) %8.0f msg/s ", acked, total, 100*float64(acked)/float64(max(total, 1)), float64(acked)/max(el, 1e-9))
	p.drawn = true
}

func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprintln(p.out)
	}
}
