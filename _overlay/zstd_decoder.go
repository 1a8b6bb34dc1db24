package sarama

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// ZstdDecoderParams selects the zstd decoders used by zstdDecompress.
type ZstdDecoderParams struct{}

// ErrMalformedZstdFrame is wrapped by the error zstdDecompress returns for
// zstd data that cannot be decoded: truncated, corrupt, or declaring more
// content than its blocks can hold. Test for it with errors.Is; the error's
// text names the frame and the content size it claims.
var ErrMalformedZstdFrame = errors.New("kafka: malformed zstd frame")

// zstdDecoderKey includes the size bound because a decoder's memory limit is
// fixed when it is built.
type zstdDecoderKey struct {
	params         ZstdDecoderParams
	maxDecodedSize int
}

var (
	zstdDecoders      sync.Map // zstdDecoderKey -> *zstd.Decoder
	zstdDecodersBuild sync.Mutex
)

// Sizes from the zstd format (RFC 8878, section 3.1.1).
const (
	zstdBlockHeaderSize = 3
	zstdChecksumSize    = 4
	// zstdMaxBlockSize is the most one block can decode to, whatever its
	// type and the frame's window (Block_Maximum_Size is at most 128 KiB).
	zstdMaxBlockSize = 128 << 10
)

// zstdTrustedClaim is the largest content size a frame may declare and have
// the decoder allocate it up front, before a byte of it has been decoded.
//
// klauspost/compress's DecodeAll makes dst room for the Frame_Content_Size of
// each frame before decoding it, bounded only by the decoder's memory limit
// (64 GiB unless WithDecoderMaxMemory lowers it) and by 32768 times the
// frame's remaining bytes. Nothing in the frame backs the claim: 160 KiB of
// empty blocks can declare 4 GiB, and 48 GiB kills the process. Up to this
// size the claim is allowed to drive the allocation, since it is the
// bounded slack the fix may keep: it gives valid batches up to 1 MiB, the
// largest a Sarama producer builds with default settings
// (Producer.MaxMessageBytes), one exact allocation as before. A larger claim
// is trusted when dst already has room for it, or once the frame has
// decoded a part of it (zstdDecodeLargeClaim).
const zstdTrustedClaim = 1 << 20

// A larger claim is allocated, in one buffer as upstream does, only once
// the frame has shown by decoding that it holds at least
// 1/zstdClaimProofShare of it: a frame that lies about its size makes the
// decoder allocate at most that many times what it really decodes to. The
// proof is a probe: the frame's first blocks, decoded into a buffer that
// holds the most they can decode to. The first probe's buffer holds at most
// zstdFirstProbe bytes; each further one at most zstdClaimProofShare times
// what the last decoded, so no buffer is larger than that many times the
// bytes decoded before it. For a valid frame of 2-64 MiB the probes cost
// 13-17% more allocation and decoding than the claim alone.
const (
	zstdClaimProofShare = 8
	zstdFirstProbe      = 256 << 10
)

// zstdBlockSlack is the spare capacity klauspost/compress's decoder wants
// past a block's output to stay on its fast paths (compressedBlockOverAlloc).
const zstdBlockSlack = 32

// zstdDecompress decompresses src, appending to dst. A maxDecodedSize above
// zero makes output larger than it an error wrapping
// zstd.ErrDecoderSizeExceeded. Other failures wrap ErrMalformedZstdFrame. On
// error, dst is returned as it was given: partial output, and any buffer
// grown for it, is dropped.
//
// Decoders are shared: DecodeAll is safe for concurrent use and decoders are
// few (one per size bound). Whatever the bound, the content size a frame
// declares never decides how much is allocated beyond zstdTrustedClaim (see
// there): claims that the frame's blocks cannot hold are rejected before
// decoding, and larger ones are verified against the decoded bytes.
func zstdDecompress(params ZstdDecoderParams, dst, src []byte, maxDecodedSize int) ([]byte, error) {
	dec, err := zstdDecoderFor(zstdDecoderKey{params, maxDecodedSize})
	if err != nil {
		return dst, err
	}
	frames, trusted, err := zstdCheckFrames(src, cap(dst)-len(dst), maxDecodedSize)
	if err != nil {
		return dst, err
	}
	if trusted {
		// Every claim is small or fits in dst: one DecodeAll, as upstream.
		out, err := dec.DecodeAll(src, dst)
		if err != nil {
			return dst, zstdDecodeError(err, src, frames)
		}
		return out, nil
	}
	return zstdDecodeFrames(params, dec, dst, src, maxDecodedSize)
}

// zstdCheckFrames scans every frame of src without decoding it and rejects
// the data if a frame is truncated, malformed, or declares more content than
// its blocks can hold, or, with a bound, more than the bound. It reports the
// number of frames and whether DecodeAll may see every claim: those that are
// at most zstdTrustedClaim, or that together fit in the spare capacity of
// dst.
func zstdCheckFrames(src []byte, spare, maxDecodedSize int) (frames int, trusted bool, err error) {
	trusted = true
	var claimed uint64
	for pos := 0; pos < len(src); {
		f, err := zstdScanFrame(src[pos:], pos)
		if err != nil {
			return frames, false, err
		}
		pos += f.size
		if f.header.Skippable {
			continue
		}
		frames++
		if !f.header.HasFCS {
			continue
		}
		fcs := f.header.FrameContentSize
		if maxDecodedSize > 0 && fcs > uint64(maxDecodedSize) {
			return frames, false, fmt.Errorf("zstd frame at byte %d declares %d bytes, more than the limit of %d: %w",
				f.at, fcs, maxDecodedSize, zstd.ErrDecoderSizeExceeded)
		}
		claimed += fcs
		if fcs > zstdTrustedClaim && claimed > uint64(spare) {
			trusted = false
		}
	}
	return frames, trusted, nil
}

// zstdDecodeFrames decodes src one frame at a time, hiding from the decoder
// each claim that zstdCheckFrames would not trust, and counts the output of
// every frame against maxDecodedSize. zstdCheckFrames has accepted src.
func zstdDecodeFrames(params ZstdDecoderParams, dec *zstd.Decoder, dst, src []byte, maxDecodedSize int) ([]byte, error) {
	out := dst
	for pos := 0; pos < len(src); {
		f, err := zstdScanFrame(src[pos:], pos)
		if err != nil {
			return dst, err
		}
		frame := src[pos : pos+f.size]
		pos += f.size
		if f.header.Skippable {
			continue
		}
		produced := len(out) - len(dst)
		fcs := f.header.FrameContentSize
		if maxDecodedSize > 0 && f.header.HasFCS && fcs > uint64(maxDecodedSize-produced) {
			return dst, fmt.Errorf("zstd frame at byte %d declares %d bytes, more than the %d left of the limit of %d: %w",
				f.at, fcs, maxDecodedSize-produced, maxDecodedSize, zstd.ErrDecoderSizeExceeded)
		}
		if !f.header.HasFCS || fcs <= zstdTrustedClaim || fcs <= uint64(cap(out)-len(out)) {
			out, err = dec.DecodeAll(frame, out)
		} else {
			out, err = zstdDecodeLargeClaim(params, dec, frame, &f, out, maxDecodedSize)
		}
		if err != nil {
			return dst, f.wrap(err)
		}
		// The decoder bounds each call, not the frames together.
		if maxDecodedSize > 0 && len(out)-len(dst) > maxDecodedSize {
			return dst, fmt.Errorf("zstd data decodes to more than the limit of %d bytes at the frame at byte %d: %w",
				maxDecodedSize, f.at, zstd.ErrDecoderSizeExceeded)
		}
	}
	return out, nil
}

// zstdDecodeLargeClaim decodes one frame whose declared content size is
// too large to allocate on trust. It probes the frame (zstdProbe) until it
// has decoded 1/zstdClaimProofShare of the claim, then decodes the frame
// with its claim, which the decoder allocates in one buffer. A frame whose
// probes stop making progress (blocks that decode to less than they could)
// is decoded with its claim hidden instead (zstdDecodeHidingClaim), so that
// memory follows the bytes it really decodes.
func zstdDecodeLargeClaim(params ZstdDecoderParams, dec *zstd.Decoder, frame []byte, f *zstdFrame, dst []byte, maxDecodedSize int) ([]byte, error) {
	need := (f.header.FrameContentSize + zstdClaimProofShare - 1) / zstdClaimProofShare
	budget := uint64(zstdFirstProbe)
	var decoded uint64
	probed := 0
	for decoded < need {
		// The first blocks that can decode to what is still to prove,
		// within the budget.
		// within the budget. They are never all of them: the claim is more
		// than what is left to prove and a block, and the scan made sure
		// that the blocks can hold it.
		p := zstdBlocksWithin(frame, f, min(budget, need+zstdMaxBlockSize))
		if p.blocks <= probed {
			return zstdDecodeHidingClaim(params, dec, frame, f, dst, maxDecodedSize)
		}
		var err error
		if decoded, err = zstdProbe(params, dec, frame, f, p, maxDecodedSize); err != nil {
			return dst, err
		}
		probed, budget = p.blocks, decoded*zstdClaimProofShare
	}
	return dec.DecodeAll(frame, dst)
}

// zstdPrefix is a run of a frame's first blocks.
type zstdPrefix struct {
	blocks int
	last   int    // offset in the frame of the last block's header
	end    int    // offset in the frame where the last block ends
	room   uint64 // the most the blocks can decode to
}

// zstdBlocksWithin returns the longest run of the frame's first blocks, but
// one block at least, that can decode to at most limit bytes. zstdScanFrame
// has accepted the frame.
func zstdBlocksWithin(frame []byte, f *zstdFrame, limit uint64) zstdPrefix {
	blockMax := uint64(zstdMaxBlockSize)
	if !f.header.SingleSegment && f.header.WindowSize < zstdMaxBlockSize {
		blockMax = f.header.WindowSize
	}
	p := zstdPrefix{end: f.header.HeaderSize}
	for p.blocks < f.blocks {
		bh := uint32(frame[p.end]) | uint32(frame[p.end+1])<<8 | uint32(frame[p.end+2])<<16
		size := uint64(bh >> 3)
		content, payload := size, size
		switch (bh >> 1) & 3 {
		case 1: // RLE
			payload = 1
		case 2: // compressed
			content = blockMax
		}
		content = min(content, blockMax)
		if p.blocks > 0 && p.room+content > limit {
			break
		}
		p.last = p.end
		p.end += zstdBlockHeaderSize + int(payload)
		p.room += content
		p.blocks++
	}
	return p
}

// zstdProbe decodes the blocks of prefix p of frame as a frame of their
// own: its claim hidden, its checksum dropped, its last block marked last.
// It returns how many bytes they decoded to. The output goes to a buffer of
// the most they can decode to, which the decoder never grows, and is
// dropped.
func zstdProbe(params ZstdDecoderParams, dec *zstd.Decoder, frame []byte, f *zstdFrame, p zstdPrefix, maxDecodedSize int) (uint64, error) {
	dec, err := zstdDecoderHidingClaim(params, dec, f, maxDecodedSize)
	if err != nil {
		return 0, err
	}
	bufp := zstdScratch.Get().(*[]byte)
	defer zstdScratch.Put(bufp)
	buf := zstdAppendHidingClaim((*bufp)[:0], frame[:p.end], f, false)
	buf[len(buf)-(p.end-p.last)] |= 1 // Last_Block
	*bufp = buf

	out, err := dec.DecodeAll(buf, make([]byte, 0, p.room+zstdBlockSlack))
	if err != nil {
		return 0, err
	}
	return uint64(len(out)), nil
}

// zstdScratch holds the copies of frames that zstdDecodeHidingClaim and
// zstdProbe rewrite.
var zstdScratch = sync.Pool{New: func() any { return new([]byte) }}

// zstdDecodeHidingClaim decodes one frame whose declared content size is too
// large to allocate on trust. It decodes a copy of the frame whose header
// declares no content size, so that the decoder grows dst with the bytes it
// decodes, then checks that they are as many as the frame declared.
func zstdDecodeHidingClaim(params ZstdDecoderParams, dec *zstd.Decoder, frame []byte, f *zstdFrame, dst []byte, maxDecodedSize int) ([]byte, error) {
	dec, err := zstdDecoderHidingClaim(params, dec, f, maxDecodedSize)
	if err != nil {
		return dst, err
	}
	bufp := zstdScratch.Get().(*[]byte)
	defer zstdScratch.Put(bufp)
	buf := zstdAppendHidingClaim((*bufp)[:0], frame, f, true)
	*bufp = buf

	out, err := dec.DecodeAll(buf, dst)
	if err != nil {
		return dst, err
	}
	if got := uint64(len(out) - len(dst)); got != f.header.FrameContentSize {
		return dst, f.malformed(fmt.Sprintf("decodes to %d bytes", got), zstd.ErrFrameSizeMismatch)
	}
	return out, nil
}

// zstdAppendHidingClaim appends to buf a copy of frame (or of its first
// blocks) whose header declares no content size, keeping the checksum flag
// if checksum is set (the copy then ends with the frame's checksum).
//
// The copy's only other change is the window of a single-segment frame,
// which is the declared content size and must now be written as a
// Window_Descriptor: the smallest window it can express that holds the
// content, at most 1/8 larger (see zstdDecoderHidingClaim).
func zstdAppendHidingClaim(buf, frame []byte, f *zstdFrame, checksum bool) []byte {
	h := &f.header
	buf = append(buf, frame[:4]...) // magic number
	// Frame_Header_Descriptor without Frame_Content_Size_Flag and
	// Single_Segment_Flag, and without Content_Checksum_Flag unless asked;
	// the dictionary flag stays.
	fhd := frame[4]
	drop := byte(0xe0)
	if !checksum {
		drop |= 0x04
	}
	buf = append(buf, fhd&^drop)
	dictAt := 5
	if h.SingleSegment {
		wd, _, _ := zstdWindowFor(h.FrameContentSize)
		buf = append(buf, wd)
	} else {
		buf = append(buf, frame[5]) // Window_Descriptor
		dictAt = 6
	}
	dictIDSize := [4]int{0, 1, 2, 4}[fhd&3]
	buf = append(buf, frame[dictAt:dictAt+dictIDSize]...)
	return append(buf, frame[h.HeaderSize:]...)
}

// zstdDecoderHidingClaim returns the decoder for a copy of f that hides its
// claim. A single-segment frame's copy has the window zstdWindowFor gives
// its content size, and a decoder refuses windows larger than its bound:
// when that window exceeds maxDecodedSize, the copy is decoded with the
// decoder of the window its bound rounds up to, and the caller's check of
// the output against maxDecodedSize applies the bound; the decoder may then
// decode up to 1/8 past it before it stops.
func zstdDecoderHidingClaim(params ZstdDecoderParams, dec *zstd.Decoder, f *zstdFrame, maxDecodedSize int) (*zstd.Decoder, error) {
	if !f.header.SingleSegment {
		return dec, nil
	}
	_, window, ok := zstdWindowFor(f.header.FrameContentSize)
	if !ok {
		return nil, f.malformed("a single segment larger than the largest window", zstd.ErrWindowSizeExceeded)
	}
	if maxDecodedSize > 0 && window > uint64(maxDecodedSize) {
		_, bound, _ := zstdWindowFor(uint64(maxDecodedSize))
		return zstdDecoderFor(zstdDecoderKey{params, int(bound)})
	}
	return dec, nil
}

// zstdWindowFor returns the Window_Descriptor of the smallest window of at
// least n bytes (and at least the minimum of 1 KiB), and that window: 2 to the
// power 10 plus the descriptor's exponent, plus eighths of it by its mantissa
// (RFC 8878, section 3.1.1.1.2). ok is false if no window is that large.
func zstdWindowFor(n uint64) (wd byte, window uint64, ok bool) {
	for exp := range uint64(32) {
		base := uint64(1) << (10 + exp)
		for mantissa := range uint64(8) {
			if window = base + base/8*mantissa; window >= n {
				return byte(exp<<3 | mantissa), window, true
			}
		}
	}
	return 0, 0, false
}

// zstdFrame is what zstdScanFrame learns of a frame without decoding it.
type zstdFrame struct {
	header zstd.Header
	at     int // offset of the frame in the data being decompressed
	size   int // bytes from the magic number to the end of the frame
	blocks int
	// maxContent is the most the blocks can decode to: the size of raw and
	// RLE blocks, the Block_Maximum_Size for compressed ones, each at most
	// that maximum: 128 KiB, or the window if it is smaller.
	maxContent uint64
}

// zstdScanFrame reads the frame at the start of in, at offset at of the data,
// by its headers alone: the frame header, then each block header (RFC 8878,
// section 3.1.1.2), whose sizes lead from one block to the next, then the
// checksum. It decodes nothing and allocates nothing.
func zstdScanFrame(in []byte, at int) (zstdFrame, error) {
	f := zstdFrame{at: at}
	if err := f.header.Decode(in); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return f, f.malformed(fmt.Sprintf("truncated in its header: %d bytes left", len(in)), err)
		}
		return f, f.malformed("bad header", err)
	}
	if f.header.Skippable {
		size := uint64(f.header.HeaderSize) + uint64(f.header.SkippableSize)
		if size > uint64(len(in)) {
			return f, f.malformed(fmt.Sprintf("truncated skippable frame: %d bytes, %d left", size, len(in)), io.ErrUnexpectedEOF)
		}
		f.size = int(size)
		return f, nil
	}
	blockMax := zstdMaxBlockSize
	if !f.header.SingleSegment && f.header.WindowSize < zstdMaxBlockSize {
		blockMax = int(f.header.WindowSize)
	}
	pos := f.header.HeaderSize
	for last := false; !last; {
		if len(in)-pos < zstdBlockHeaderSize {
			return f, f.truncated(fmt.Sprintf("in the header of block %d", f.blocks+1), len(in))
		}
		bh := uint32(in[pos]) | uint32(in[pos+1])<<8 | uint32(in[pos+2])<<16
		pos += zstdBlockHeaderSize
		last = bh&1 != 0
		size := int(bh >> 3)
		content, payload := size, size
		switch (bh >> 1) & 3 {
		case 0: // raw
		case 1: // RLE: one byte, repeated size times
			payload = 1
		case 2: // compressed
			content = blockMax
		default:
			return f, f.malformed(fmt.Sprintf("block %d has the reserved block type", f.blocks+1), nil)
		}
		f.blocks++
		if len(in)-pos < payload {
			return f, f.truncated(fmt.Sprintf("in block %d, of %d bytes", f.blocks, payload), len(in))
		}
		pos += payload
		f.maxContent += uint64(min(content, blockMax))
	}
	if f.header.HasCheckSum {
		if len(in)-pos < zstdChecksumSize {
			return f, f.truncated("in its checksum", len(in))
		}
		pos += zstdChecksumSize
	}
	f.size = pos
	if f.header.HasFCS && f.header.FrameContentSize > f.maxContent {
		return f, f.malformed(fmt.Sprintf("its %s (%d bytes) can decode to at most %d bytes",
			zstdPlural(f.blocks, "block"), pos, f.maxContent), nil)
	}
	return f, nil
}

// zstdFrameError is a frame that cannot be decoded. It matches
// ErrMalformedZstdFrame, and the decoder's error, if any, with errors.Is.
type zstdFrameError struct {
	at       int
	hasClaim bool
	claim    uint64
	problem  string
	err      error
}

func (e *zstdFrameError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s at byte %d", ErrMalformedZstdFrame.Error(), e.at)
	if e.hasClaim {
		fmt.Fprintf(&b, " (declares %d bytes)", e.claim)
	}
	if e.problem != "" {
		b.WriteString(": " + e.problem)
	}
	if e.err != nil {
		b.WriteString(": " + e.err.Error())
	}
	return b.String()
}

func (e *zstdFrameError) Is(target error) bool { return target == ErrMalformedZstdFrame }

func (e *zstdFrameError) Unwrap() error { return e.err }

func (f *zstdFrame) malformed(problem string, err error) error {
	return &zstdFrameError{at: f.at, hasClaim: f.header.HasFCS, claim: f.header.FrameContentSize, problem: problem, err: err}
}

func (f *zstdFrame) truncated(where string, left int) error {
	return f.malformed(fmt.Sprintf("truncated %s (%d bytes from the frame's start)", where, left), io.ErrUnexpectedEOF)
}

// wrap turns a decoder error on this frame into the error zstdDecompress
// returns: a size bound stays itself, anything else is a malformed frame.
func (f *zstdFrame) wrap(err error) error {
	var fe *zstdFrameError
	if errors.Is(err, zstd.ErrDecoderSizeExceeded) || errors.As(err, &fe) {
		return err
	}
	return f.malformed("", err)
}

// zstdDecodeError is wrap for a DecodeAll over all of src, where the failing
// frame is known only when there is one.
func zstdDecodeError(err error, src []byte, frames int) error {
	if frames == 1 {
		for pos := 0; pos < len(src); {
			f, ferr := zstdScanFrame(src[pos:], pos)
			if ferr != nil {
				break
			}
			if !f.header.Skippable {
				return f.wrap(err)
			}
			pos += f.size
		}
	}
	if errors.Is(err, zstd.ErrDecoderSizeExceeded) {
		return err
	}
	return &zstdFrameError{problem: fmt.Sprintf("in one of %d frames", frames), err: err}
}

// zstdPlural spells n things: "1 block", "2 blocks".
func zstdPlural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

func zstdDecoderFor(key zstdDecoderKey) (*zstd.Decoder, error) {
	if dec, ok := zstdDecoders.Load(key); ok {
		return dec.(*zstd.Decoder), nil
	}
	// Decoders own goroutines and buffers: build each one once, under a lock,
	// rather than racing and closing the losers.
	zstdDecodersBuild.Lock()
	defer zstdDecodersBuild.Unlock()
	if dec, ok := zstdDecoders.Load(key); ok {
		return dec.(*zstd.Decoder), nil
	}
	opts := []zstd.DOption{zstd.WithDecoderConcurrency(0)}
	if key.maxDecodedSize > 0 {
		opts = append(opts, zstd.WithDecoderMaxMemory(uint64(key.maxDecodedSize)))
	}
	dec, err := zstd.NewReader(nil, opts...)
	if err != nil {
		return nil, err
	}
	zstdDecoders.Store(key, dec)
	return dec, nil
}
