package sarama

import "time"

// keepSpareLocked keeps the encoder of l, built outside the bound for a
// compression that could not wait, as the pool's spare for the next such
// compression, unless the pool has one already. A compression under a
// broker's lock mostly finds every encoder lent only while the goroutines
// holding them are descheduled; one spare then serves it without a build.
// p.mu must be held.
func (p *zstdEncoderPool) keepSpareLocked(l *zstdLease) {
	if l.enc == nil {
		return
	}
	if p.spare != nil {
		l.metrics.drop(zstdDropIdleLimit)
		return
	}
	p.spare = l.enc
	p.spareSince = time.Now()
	p.startIdleTimerLocked()
}
