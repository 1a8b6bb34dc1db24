package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"sarama-zstd.example/tools/loadgen/workload"
)

// report is everything a run measured. Its JSON form (one line, -json) is
// what the compare program collects; field names are that contract.
type report struct {
	Variant    string `json:"variant"`
	Sarama     string `json:"sarama"`
	Fork       bool   `json:"fork"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	Producers  int    `json:"producers"`
	PerProd    int    `json:"messages_per_producer"`
	ValueSize  int    `json:"value_size"`
	InFlight   int    `json:"in_flight"`
	Level      int    `json:"level"`
	Version    string `json:"kafka_version"`
	Cluster    string `json:"cluster"`

	Seconds       float64 `json:"seconds"`
	Messages      int64   `json:"messages"`
	Bytes         int64   `json:"bytes"`
	MsgsPerSec    float64 `json:"msgs_per_s"`
	MBPerSec      float64 `json:"mb_per_s"`
	TotalAlloc    uint64  `json:"alloc_bytes"`
	AllocPerMsg   float64 `json:"alloc_bytes_per_msg"`
	Mallocs       uint64  `json:"mallocs"`
	GCCycles      uint32  `json:"gc_cycles"`
	GCCPUFraction float64 `json:"gc_cpu_fraction"`
	PeakHeapAlloc uint64  `json:"peak_heap_alloc_bytes"`
	PeakHeapInuse uint64  `json:"peak_heap_inuse_bytes"`
	PeakHeapGrow  uint64  `json:"peak_heap_growth_bytes"`
	BaseHeap      uint64  `json:"base_heap_alloc_bytes"`

	// CPU time of this process (user and system, every thread; not the
	// embedded cluster's child process) during the produce phase, in all
	// and per acknowledged message; null where it is not measured.
	CPUSeconds *float64 `json:"cpu_seconds"`
	CPUPerMsg  *float64 `json:"cpu_us_per_msg"`

	// After the produce phase, producers open and idle for IdleWait
	// (-idle-wait): the settled heap, and its growth over BaseHeap (can be
	// negative). Absent when no idle phase ran.
	IdleWait       *float64 `json:"idle_wait_s"`
	IdleHeap       *uint64  `json:"idle_heap_alloc_bytes"`
	IdleHeapGrowth *int64   `json:"idle_heap_growth_bytes"`
	MaxIdleTime    *float64 `json:"max_idle_time_s"` // the fork's Producer.Zstd.MaxIdleTime, if set

	// Pool metrics: nil when the Sarama in use does not publish them.
	EncodersCreated *int64   `json:"encoders_created"`
	EncoderWaits    *int64   `json:"encoder_waits"`
	WaitMeanMillis  *float64 `json:"encoder_wait_mean_ms"`
	WaitP99Millis   *float64 `json:"encoder_wait_p99_ms"`
	EncodersIdle    *int64   `json:"encoders_held_idle"` // lent or idle at the end of the idle phase

	SampleRatio float64 `json:"ratio_sample"`
	BatchRatio  float64 `json:"ratio_batches"`
	ZstdBatches int     `json:"zstd_batches"`
	Batches     int     `json:"batches"`
	BatchBytes  float64 `json:"batch_uncompressed_bytes"` // mean uncompressed size of the batches read back

	Verified      bool    `json:"verified"`
	KgoRecords    int     `json:"kgo_records"`
	SaramaRecords int     `json:"sarama_records"`
	VerifySeconds float64 `json:"verify_seconds"`
}

func newReport(o options) *report {
	v, _ := saramaBuild()
	r := &report{
		Variant: o.variant, Sarama: v, Fork: workload.ForkBuild, GOMAXPROCS: gomaxprocs(),
		Producers: o.producers, PerProd: o.messages, ValueSize: o.valueSize, InFlight: o.inFlight, Level: o.level,
		Version: o.version.String(), Cluster: clusterKind(o),
	}
	if o.pool.MaxIdleTime > 0 {
		s := o.pool.MaxIdleTime.Seconds()
		r.MaxIdleTime = &s
	}
	return r
}

func (r *report) setProduce(res *workload.Result) {
	r.Seconds = res.Duration.Seconds()
	r.Messages = res.Messages
	r.Bytes = res.Bytes
	if r.Seconds > 0 {
		r.MsgsPerSec = float64(res.Messages) / r.Seconds
		r.MBPerSec = float64(res.Bytes) / 1e6 / r.Seconds
	}
	rt := res.Runtime
	if rt.CPUMeasured {
		cpu := rt.CPU.Seconds()
		r.CPUSeconds = &cpu
		if res.Messages > 0 {
			perMsg := cpu * 1e6 / float64(res.Messages)
			r.CPUPerMsg = &perMsg
		}
	}
	r.TotalAlloc, r.Mallocs, r.GCCycles, r.GCCPUFraction = rt.TotalAlloc, rt.Mallocs, rt.GCCycles, rt.GCCPUFraction
	r.PeakHeapAlloc, r.PeakHeapInuse = rt.PeakHeapAlloc, rt.PeakHeapInuse
	if rt.PeakHeapAlloc > rt.BaseHeapAlloc {
		r.PeakHeapGrow = rt.PeakHeapAlloc - rt.BaseHeapAlloc
	}
	r.BaseHeap = rt.BaseHeapAlloc
	if id := res.Idle; id != nil {
		wait, heap, growth := id.Wait.Seconds(), id.HeapAlloc, id.Growth()
		r.IdleWait, r.IdleHeap, r.IdleHeapGrowth = &wait, &heap, &growth
		if id.Pool.Present > 0 {
			held := id.Pool.Held
			r.EncodersIdle = &held
		}
	}
	if res.Messages > 0 {
		r.AllocPerMsg = float64(rt.TotalAlloc) / float64(res.Messages)
	}
	if p := res.Pool; p.Present > 0 {
		created, waits, mean, p99 := p.EncodersCreate, p.Waits, p.WaitMeanMillis(), p.WaitP99
		r.EncodersCreated, r.EncoderWaits, r.WaitMeanMillis, r.WaitP99Millis = &created, &waits, &mean, &p99
	}
}

func (r *report) setVerify(kv, sv *workload.Verdict, took time.Duration) {
	r.Verified = kv.Err() == nil && sv.Err() == nil && kv.Records > 0 && sv.Records > 0
	r.KgoRecords, r.SaramaRecords = kv.Records, sv.Records
	r.BatchRatio, r.ZstdBatches, r.Batches = kv.Ratio(), kv.ZstdBatches, kv.Batches
	if kv.Batches > 0 {
		r.BatchBytes = float64(kv.UncompressedBytes) / float64(kv.Batches)
	}
	r.VerifySeconds = took.Seconds()
}

func (r *report) writeJSON(w io.Writer) error {
	return json.NewEncoder(w).Encode(r) // Encode ends the line: one line per run
}

func (r *report) writeTable(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(name, format string, args ...any) {
		fmt.Fprintf(tw, "%s\t"+format+"\n", append([]any{name}, args...)...)
	}
	row("variant", "%s (sarama %s, fork build %v, GOMAXPROCS %d)", r.Variant, r.Sarama, r.Fork, r.GOMAXPROCS)
	row("workload", "%d producers x %d msgs (<= %d in flight each), ~%d B values, zstd level %s, Kafka %s, %s cluster",
		r.Producers, r.PerProd, r.InFlight, r.ValueSize, levelName(r.Level), r.Version, r.Cluster)
	row("produce time", "%.2f s", r.Seconds)
	row("throughput", "%.0f msg/s, %.1f MB/s (%d msgs, %.1f MB)", r.MsgsPerSec, r.MBPerSec, r.Messages, float64(r.Bytes)/1e6)
	if r.CPUPerMsg != nil {
		row("CPU", "%.2f s, %.1f µs per message (this process: the producers, not the cluster)", *r.CPUSeconds, *r.CPUPerMsg)
	}
	row("allocated", "%.1f MB (%.0f B/msg, %d objects)", float64(r.TotalAlloc)/1e6, r.AllocPerMsg, r.Mallocs)
	row("GC", "%d cycles, %.1f%% of CPU", r.GCCycles, 100*r.GCCPUFraction)
	row("peak heap", "%.1f MB allocated (%.1f MB over the idle connected producers), %.1f MB in use",
		float64(r.PeakHeapAlloc)/1e6, float64(r.PeakHeapGrow)/1e6, float64(r.PeakHeapInuse)/1e6)
	if r.IdleHeap != nil {
		row("idle heap", "%.1f MB after %.1f s idle (%+.1f MB over the %.1f MB before producing)",
			float64(*r.IdleHeap)/1e6, *r.IdleWait, float64(*r.IdleHeapGrowth)/1e6, float64(r.BaseHeap)/1e6)
	}
	if r.EncodersCreated != nil {
		row("zstd encoders", "%d created (all producers), %d waits, mean %.1f ms, p99 <= %.0f ms",
			*r.EncodersCreated, *r.EncoderWaits, *r.WaitMeanMillis, *r.WaitP99Millis)
		if r.EncodersIdle != nil {
			row("", "%d held after the idle phase", *r.EncodersIdle)
		}
	} else {
		row("zstd encoders", "n/a (this Sarama publishes no pool metrics)")
	}
	row("compression", "%.2fx sample, %.2fx produced batches (%d/%d batches zstd, %.1f KiB uncompressed on average)",
		r.SampleRatio, r.BatchRatio, r.ZstdBatches, r.Batches, r.BatchBytes/1024)
	if r.KgoRecords+r.SaramaRecords > 0 {
		verdict := "FAILED"
		if r.Verified {
			verdict = "ok"
		}
		row("read back", "%s: kgo %d records, sarama %d records (%.1f s)", verdict, r.KgoRecords, r.SaramaRecords, r.VerifySeconds)
	} else {
		row("read back", "not done")
	}
	_ = tw.Flush()
}

func levelName(l int) string {
	if l < -100 {
		return "default"
	}
	return fmt.Sprint(l)
}

func clusterKind(o options) string {
	switch {
	case len(o.brokers) > 0:
		return "external"
	case o.inProcess:
		return fmt.Sprintf("%d-broker kfake in-process", o.embedded)
	default:
		return fmt.Sprintf("%d-broker kfake child-process", o.embedded)
	}
}
