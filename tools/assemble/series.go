package main

import (
	"fmt"
	"regexp"
	"strings"
)

// The upstream pull request is a series of commits that a maintainer can
// take one at a time: each builds and passes upstream's tests on its own.
// Each commit is one step below; its tree is upstream plus, in the order of
// the steps up to it, the overlay files each step brings, the files under
// _pr/<step ID>/, and the edits of edits.go whose Step is one of them.
//
// _pr/ holds files written for the pull request alone, never used by the
// fork: its tests and benchmarks, smaller than the fork's. A file of a
// later step replaces an earlier one at the same path (the pool's
// benchmark replaces the first step's).

// Step IDs, used by Edit.Step.
//
// The overlay files are written so that each later step only adds whole
// declarations, struct fields and statements to the files of the steps
// before it: each step's earlier form is the overlay's with the later
// steps' additions removed. Until the series is derived that way, the
// steps after the pool are one commit with it: their IDs name the pool's
// commit, and edits.go keeps saying which step each edit belongs to.
const (
	stepBench   = "bench"
	stepPool    = "pool"
	stepConfig  = stepPool
	stepMetrics = stepPool
	stepWindow  = stepPool
	stepIdle    = stepPool
	stepBuffers = stepPool
	stepDecoder = "decoder"
)

// prStep is one commit of the pull request.
type prStep struct {
	ID      string
	Subject string // conventional: type(scope): summary
	Body    string // the commit message's body: paragraphs, rewrapped at 72
	// Overlay lists the files of _overlay/ the step brings.
	Overlay []string
	// Optional marks a commit upstream may leave out: the description says
	// so, and no commit before it depends on it.
	Optional bool
	// Slot marks a step of the fork that is not offered upstream (yet): it
	// is left out of the series, and Why says why.
	Slot bool
	// Why says, in the description, why the commit exists.
	Why string
}

// prSteps are the commits, in order.
var prSteps = []prStep{
	{
		ID:      stepBench,
		Subject: "test(zstd): benchmark compression from more goroutines than CPUs",
		Body: `A process with many producers compresses from many goroutines at once:
each partition's batches are compressed by the goroutine of its broker
producer. BenchmarkZstdCompressParallel runs zstdCompress from 50 or 500
goroutines per CPU, at 2 KiB and 1 MiB, so that a change to how encoders
are kept can be measured before and after.`,
		Why: "the benchmark alone, so that it can be run on the code before the change",
	},
	{
		ID:      stepPool,
		Subject: "perf(zstd): bound the encoders in use with a shared, lazily built pool",
		Overlay: []string{
			"zstd_pool.go", "zstd_pools.go", "zstd_pool_key.go", "zstd_producer.go",
			"zstd_config.go", "zstd_compressor.go", "zstd_metrics.go", "zstd_window.go",
			"zstd_idle.go", "zstd_buffers.go", "zstd_batch.go", "zstd_poison_off.go", "zstd_poison_on.go",
		},
		Body: `The encoder cache keeps up to GOMAXPROCS idle encoders per level but does
not bound the encoders in use: when more goroutines compress at once than
encoders are idle, each of them builds one, and those beyond the cache's
capacity are dropped when returned. Encoders are large and costly to
build, so a process with many producers builds and collects encoders as
it compresses, and its encoder memory follows the number of compressing
goroutines, not of CPUs (#2965).

Compressions now take encoders from a pool per klauspost encoder level. A
pool lends at most GOMAXPROCS encoders at a time, following GOMAXPROCS as
the runtime changes it; a compression that finds none free waits for one,
in arrival order. Encoders are built lazily, one per compression that
finds none idle while fewer than the bound exist, and are kept for reuse.

Because a compression may now wait, producers compress a request's zstd
batches before Broker.AsyncProduce takes the broker's lock: a wait holds
up that producer's requests only, not the metadata, fetch or transaction
requests sharing the connection.

This commit also carries what is meant to follow it as commits of their
own: Producer.Zstd limits (MaxInUseEncoders, MaxIdleEncoders,
MaxIdleTime), the pools' metrics, encoder windows sized to
Producer.MaxMessageBytes, the release of encoders idle for MaxIdleTime,
and pooled buffers for a producer's batches.`,
		Why: "the change: a bound on the encoders in use, the default following GOMAXPROCS, and the compression moved out of the broker's lock; with, for now, the limits as configuration, the metrics, encoder windows, idle release and pooled buffers",
	},
	{
		ID:      stepDecoder,
		Subject: "fix(zstd): decode what a frame holds, not what it claims",
		Overlay: []string{"zstd_decoder.go", "batch_decompression.go"},
		Slot:    true,
		Why: "the decoders and the consumer's handling of a batch it cannot decompress are independent of " +
			"the encoder pool, and add API of their own (ErrMalformedZstdFrame, BatchDecompressionError, " +
			"FetchResponseBlock.DecompressionErr): upstream's CONTRIBUTING asks for such changes in a pull " +
			"request of their own. To offer them, as their own series or a last optional commit, clear Slot and " +
			"give the step tests in upstream's size under _pr/decoder/, and edits whose text does not name this project",
	},
}

// conventionalSubject is the form of upstream's recent commit subjects:
// type(scope): summary, in lower case, without a final period.
var conventionalSubject = regexp.MustCompile(`^(feat|fix|perf|refactor|test|docs|build|chore)(\([a-z0-9-]+\))?: [a-z][^\n]*[^.\n]$`)

// checkSeries checks the steps and the edits against each other: known
// steps, conventional subjects of at most 72 characters, no required
// commit after an optional one, each overlay file brought once.
func checkSeries(steps []prStep, es []Edit) error {
	ids := make(map[string]int, len(steps))
	files := make(map[string]string)
	optional := false
	for i, s := range steps {
		if _, dup := ids[s.ID]; dup || s.ID == "" {
			return fmt.Errorf("series: step %q is unnamed or named twice", s.ID)
		}
		ids[s.ID] = i
		if !conventionalSubject.MatchString(s.Subject) || len(s.Subject) > 72 {
			return fmt.Errorf("series: step %s: subject %q is not a conventional commit subject of at most 72 characters", s.ID, s.Subject)
		}
		if s.Slot {
			continue
		}
		if s.Optional {
			optional = true
		} else if optional {
			return fmt.Errorf("series: step %s is required but follows an optional one", s.ID)
		}
	}
	for _, s := range steps {
		for _, f := range s.Overlay {
			if prev, dup := files[f]; dup {
				return fmt.Errorf("series: %s is brought by steps %s and %s", f, prev, s.ID)
			}
			files[f] = s.ID
		}
	}
	for _, e := range es {
		if _, ok := ids[e.Step]; !ok {
			return fmt.Errorf("series: edit %s names step %q, which is not in series.go", e, e.Step)
		}
	}
	return nil
}

// commitMessage is a step's message, signed off by author.
func (s prStep) commitMessage(author string) string {
	msg := s.Subject + "\n"
	if body := refill(s.Body, 72); body != "" {
		msg += "\n" + body
	}
	return msg + "\nSigned-off-by: " + author + "\n"
}

// refill refills the paragraphs of text (separated by blank lines) to lines
// of at most width characters, but for words longer than that.
func refill(text string, width int) string {
	var b strings.Builder
	for _, para := range strings.Split(strings.TrimSpace(text), "\n\n") {
		words := strings.Fields(para)
		if len(words) == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		line := 0
		for _, w := range words {
			switch {
			case line == 0:
			case line+1+len(w) > width:
				b.WriteString("\n")
				line = 0
			default:
				b.WriteString(" ")
				line++
			}
			b.WriteString(w)
			line += len(w)
		}
		b.WriteString("\n")
	}
	return b.String()
}
