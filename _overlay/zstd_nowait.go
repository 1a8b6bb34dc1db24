package sarama

import "time"

// Compressions that run while a request is encoded under its broker's lock
// (zstdCompress: requests that applications build and send with
// Broker.Produce, a producer's batch whose compression before the lock
// failed) must not wait for encoders that other producers hold. They take
// an idle encoder, or build one within the bound, as others do; when every
// encoder is lent they take one outside the bound instead of waiting: the
// pool's spare, or, if another has it, one built for this compression
// alone, as the encoder cache did whenever it was empty. Such a compression
// mostly finds every encoder lent only while the goroutines holding them
// are descheduled: one spare then serves it without a build.

// compress compresses src, appending to dst, with an encoder of the pool,
// waiting for one if wait is set.
func (p *zstdEncoderPool) compress(dst, src []byte, wait bool) ([]byte, error) {
	l := zstdLease{noWait: !wait}
	if err := p.acquire(&l); err != nil {
		return nil, err
	}
	done := false
	defer func() { p.release(&l, done) }()
	dst = l.enc.EncodeAll(src, dst)
	done = true
	return dst, nil
}

// lendOutside lends l, which must not wait, an encoder outside the bound:
// the pool's spare if it keeps one, else a new one.
func (p *zstdEncoderPool) lendOutside(l *zstdLease) error {
	l.outside = true
	p.mu.Lock()
	l.enc, p.spare = p.spare, nil
	p.mu.Unlock()
	if l.enc != nil {
		return nil
	}
	return p.build(l)
}

// keepSpareLocked keeps the encoder of l, lent outside the bound, as the
// pool's spare, unless it has one already. p.mu must be held.
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
