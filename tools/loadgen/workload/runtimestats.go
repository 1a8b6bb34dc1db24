package workload

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"time"
)

// RuntimeStats are the Go runtime costs of a phase of the run.
type RuntimeStats struct {
	TotalAlloc    uint64  // bytes allocated during the phase (MemStats.TotalAlloc delta)
	Mallocs       uint64  // heap objects allocated during the phase
	GCCycles      uint32  // completed GC cycles during the phase
	GCCPUFraction float64 // GC CPU time / total CPU time available during the phase
	PeakHeapAlloc uint64  // highest sampled live+unswept heap object bytes (≈HeapAlloc)
	PeakHeapInuse uint64  // highest sampled in-use heap span bytes (≈HeapInuse)
	// CPU is the CPU time the process used during the phase, user and
	// system, on every thread (zero where it is not measured: CPUMeasured).
	// Unlike a rate it does not fall when other work takes the machine's
	// cores, so it compares builds on a busy machine more steadily.
	CPU         time.Duration
	CPUMeasured bool
	// BaseHeapAlloc is the settled heap at Start (SettledHeap): what the
	// connected producers hold before their first message. PeakHeapAlloc-BaseHeapAlloc is what
	// the phase itself added, where differences between builds show.
	BaseHeapAlloc uint64
}

// Sampler measures RuntimeStats between Start and Stop. Peaks are sampled
// with runtime/metrics, which (unlike ReadMemStats) does not stop the world,
// so frequent sampling does not disturb what it measures.
type Sampler struct {
	start, end runtime.MemStats
	gcCPU0     float64
	totalCPU0  float64
	stop       chan struct{}
	done       sync.WaitGroup
	peakAlloc  uint64
	peakInuse  uint64
	baseAlloc  uint64
	cpu0       time.Duration
	cpuOK      bool
}

var sampleNames = []string{
	"/memory/classes/heap/objects:bytes",
	"/memory/classes/heap/unused:bytes",
	"/cpu/classes/gc/total:cpu-seconds",
	"/cpu/classes/total:cpu-seconds",
}

// StartSampler starts measuring, sampling the heap every interval.
func StartSampler(interval time.Duration) *Sampler {
	s := &Sampler{stop: make(chan struct{})}
	s.baseAlloc = SettledHeap() // start from a settled heap so runs are comparable
	samples := newSamples()
	metrics.Read(samples)
	s.gcCPU0, s.totalCPU0 = samples[2].Value.Float64(), samples[3].Value.Float64()
	runtime.ReadMemStats(&s.start)
	s.cpu0, s.cpuOK = processCPU()
	s.done.Add(1)
	go s.loop(interval, samples)
	return s
}

// SettledHeap collects garbage twice (the second cycle frees what
// finalizers of the first released) and returns the bytes of the heap
// objects left: what the process really holds. It is the figure
// BaseHeapAlloc and the idle heap are measured with.
func SettledHeap() uint64 {
	runtime.GC()
	runtime.GC()
	s := []metrics.Sample{{Name: sampleNames[0]}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func newSamples() []metrics.Sample {
	samples := make([]metrics.Sample, len(sampleNames))
	for i, n := range sampleNames {
		samples[i].Name = n
	}
	return samples
}

func (s *Sampler) loop(interval time.Duration, samples []metrics.Sample) {
	defer s.done.Done()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		s.sample(samples)
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
	}
}

func (s *Sampler) sample(samples []metrics.Sample) {
	metrics.Read(samples)
	objects := samples[0].Value.Uint64()
	s.peakAlloc = max(s.peakAlloc, objects)
	s.peakInuse = max(s.peakInuse, objects+samples[1].Value.Uint64())
}

// Stop ends the measurement and returns the stats of the phase.
func (s *Sampler) Stop() RuntimeStats {
	close(s.stop)
	s.done.Wait()
	cpu1, cpuOK := processCPU()
	samples := newSamples()
	s.sample(samples) // one last peak candidate, and the CPU counters
	runtime.ReadMemStats(&s.end)
	st := RuntimeStats{
		TotalAlloc:    s.end.TotalAlloc - s.start.TotalAlloc,
		Mallocs:       s.end.Mallocs - s.start.Mallocs,
		GCCycles:      s.end.NumGC - s.start.NumGC,
		PeakHeapAlloc: s.peakAlloc,
		PeakHeapInuse: s.peakInuse,
		BaseHeapAlloc: s.baseAlloc,
	}
	if s.cpuOK && cpuOK {
		st.CPU, st.CPUMeasured = cpu1-s.cpu0, true
	}
	if total := samples[3].Value.Float64() - s.totalCPU0; total > 0 {
		st.GCCPUFraction = (samples[2].Value.Float64() - s.gcCPU0) / total
	}
	return st
}
