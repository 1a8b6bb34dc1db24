package sarama

import "time"

// compressNoWait compresses src, appending to dst, under a broker's lock
// (zstdCompress): it never waits for encoders others hold, but takes one
// outside the bound, as the encoder cache did whenever it was empty.
func (p *zstdEncoderPool) compressNoWait(dst, src []byte) ([]byte, error) {
	l := zstdLease{noWait: true}
	if err := p.acquire(&l); err != nil {
		return nil, err
	}
	done := false
	defer func() { p.release(&l, done) }()
	dst = l.enc.EncodeAll(src, dst)
	done = true
	return dst, nil
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
