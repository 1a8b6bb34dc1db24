//go:build !functional

package sarama

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// Frames built by hand, from the format (RFC 8878, section 3.1.1): a header
// declaring any content size, then blocks of any type and size.

const (
	zstdTestRaw        = 0
	zstdTestRLE        = 1
	zstdTestCompressed = 2
)

// zstdTestHeader is a frame header that declares claim bytes of content in
// an 8-byte Frame_Content_Size field, with a window of 1<<windowLog bytes,
// no dictionary and no checksum.
func zstdTestHeader(claim uint64, windowLog int) []byte {
	h := []byte{0x28, 0xb5, 0x2f, 0xfd, 0xc0, byte(windowLog-10) << 3}
	return binary.LittleEndian.AppendUint64(h, claim)
}

// zstdTestBlock is a block header followed by payload.
func zstdTestBlock(typ, size int, last bool, payload ...byte) []byte {
	bh := uint32(size)<<3 | uint32(typ)<<1
	if last {
		bh |= 1
	}
	return append([]byte{byte(bh), byte(bh >> 8), byte(bh >> 16)}, payload...)
}

// zstdTestEmptyBlocks is n compressed blocks that decode to nothing (no
// literals, no sequences), the last one marked last.
func zstdTestEmptyBlocks(n int) []byte {
	var b []byte
	for i := range n {
		b = append(b, zstdTestBlock(zstdTestCompressed, 2, i == n-1, 0, 0)...)
	}
	return b
}

// zstdTestRLEFrame is a valid frame of content bytes of 'x', in RLE blocks
// of 128 KiB: 4 bytes of frame per 128 KiB of content. It declares its
// content size if declare is set.
func zstdTestRLEFrame(content int, declare bool) []byte {
	f := zstdTestHeader(uint64(content), 17)
	if !declare {
		f = []byte{0x28, 0xb5, 0x2f, 0xfd, 0, 7 << 3}
	}
	for left := content; ; left -= zstdMaxBlockSize {
		n := min(left, zstdMaxBlockSize)
		f = append(f, zstdTestBlock(zstdTestRLE, n, left <= zstdMaxBlockSize, 'x')...)
		if left <= zstdMaxBlockSize {
			return f
		}
	}
}

// zstdTestCompress compresses src with a fresh encoder built with opts.
func zstdTestCompress(t testing.TB, src []byte, opts ...zstd.EOption) []byte {
	t.Helper()
	enc, err := zstd.NewWriter(nil, opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	return enc.EncodeAll(src, nil)
}

// zstdTestSetClaim rewrites, in place, the content size that frame declares.
// The frame must declare one, in a field wide enough for claim.
func zstdTestSetClaim(t testing.TB, frame []byte, claim uint64) {
	t.Helper()
	var h zstd.Header
	if err := h.Decode(frame); err != nil || !h.HasFCS {
		t.Fatalf("no content size to rewrite: %v", err)
	}
	field := frame[h.HeaderSize-[4]int{1, 2, 4, 8}[frame[4]>>6] : h.HeaderSize]
	switch len(field) {
	case 4:
		binary.LittleEndian.PutUint32(field, uint32(claim))
	case 8:
		binary.LittleEndian.PutUint64(field, claim)
	default:
		t.Fatalf("a %d-byte content size field", len(field))
	}
}

// zstdTestAllocated is the fewest bytes f allocated in three runs: other
// goroutines of the test binary can only add to a run's count.
func zstdTestAllocated(f func()) uint64 {
	least := ^uint64(0)
	for range 3 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		f()
		runtime.ReadMemStats(&after)
		least = min(least, after.TotalAlloc-before.TotalAlloc)
	}
	return least
}

// zstdTestWarm builds the shared decoders of the bounds a test uses and
// decodes with each of their block decoders, so that what is measured next
// is the decoding, not the decoders' first buffers.
func zstdTestWarm(t testing.TB, bounds ...int) {
	t.Helper()
	frame := zstdTestCompress(t, zstdTestPayload(256<<10))
	for _, bound := range bounds {
		for range 2 * runtime.GOMAXPROCS(0) {
			if _, err := zstdDecompress(ZstdDecoderParams{}, nil, frame, bound); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// zstdTestRace reports whether the test binary was built with -race.
func zstdTestRace() bool {
	bi, ok := debug.ReadBuildInfo()
	return ok && slices.Contains(bi.Settings, debug.BuildSetting{Key: "-race", Value: "true"})
}

// withMaxDecompressedBatchSize sets the package's bound for one test.
func withMaxDecompressedBatchSize(t *testing.T, v int32) {
	t.Helper()
	old := MaxDecompressedBatchSize
	MaxDecompressedBatchSize = v
	t.Cleanup(func() { MaxDecompressedBatchSize = old })
}

// zstdTestBadFrames are frames whose header claims far more than they carry.
func zstdTestBadFrames(limit int) map[string][]byte {
	bad := map[string][]byte{}
	for _, claim := range []uint64{4 << 30, 48 << 30, uint64(limit)} {
		name := strconv.FormatUint(claim, 10)
		h := zstdTestHeader(claim, 10)
		bad["claim="+name+"/tiny"] = append(h, zstdTestBlock(zstdTestRLE, 1, true, 'x')...)
		bad["claim="+name+"/header-only"] = h
		bad["claim="+name+"/truncated-block"] = append(h, zstdTestBlock(zstdTestRaw, 100, true, 'x', 'y')...)
		bad["claim="+name+"/truncated-header"] = h[:len(h)-3]
	}
	return bad
}

func TestZstdDecompressRejectsClaimsTheFrameCannotHold(t *testing.T) {
	const limit = 1 << 20
	zstdTestWarm(t, 0, limit)
	for name, frame := range zstdTestBadFrames(limit) {
		for _, bound := range []int{0, limit} {
			t.Run(fmt.Sprintf("%s/bound=%d", name, bound), func(t *testing.T) {
				dst := make([]byte, 3, 16)
				var out []byte
				var err error
				allocated := zstdTestAllocated(func() {
					out, err = zstdDecompress(ZstdDecoderParams{}, dst, frame, bound)
				})
				if !errors.Is(err, ErrMalformedZstdFrame) {
					t.Fatalf("err = %v, want ErrMalformedZstdFrame", err)
				}
				if errors.Is(err, zstd.ErrDecoderSizeExceeded) {
					t.Errorf("a malformed frame reported as too large: %v", err)
				}
				if claim, _, _ := strings.Cut(strings.TrimPrefix(name, "claim="), "/"); !strings.Contains(err.Error(), "declares "+claim+" bytes") &&
					!strings.Contains(name, "truncated-header") {
					t.Errorf("error does not name the claim of %s bytes: %v", claim, err)
				}
				if len(out) != len(dst) || &out[:1][0] != &dst[0] {
					t.Errorf("returned %d bytes, not dst as given", len(out))
				}
				if allocated > 4<<10 {
					t.Errorf("allocated %d bytes", allocated)
				}
			})
		}
	}
}

// A frame whose blocks could hold its claim but do not: the claim cannot be
// rejected before decoding, and must not be allocated.
func TestZstdDecompressDoesNotAllocateAClaim(t *testing.T) {
	const limit = 8 << 20
	zstdTestWarm(t, 0, limit)
	for _, tc := range []struct {
		name  string
		claim uint64
		bound int
		frame []byte
		cause error
	}{
		// 32768 blocks of 5 bytes, each up to 128 KiB of content, that
		// decode to nothing.
		{"4GiB/empty-blocks", 4 << 30, 0, append(zstdTestHeader(4<<30, 17), zstdTestEmptyBlocks(32768)...), zstd.ErrFrameSizeMismatch},
		// 48 GiB in compressed blocks whose content is not zstd.
		{"48GiB/garbage", 48 << 30, 0, append(zstdTestHeader(48<<30, 17),
			bytes.Repeat(zstdTestBlock(zstdTestCompressed, 4, false, 0xff, 0xff, 0xff, 0xff), 393216)...), nil},
		{"limit/empty-blocks", limit, limit, append(zstdTestHeader(limit, 17), zstdTestEmptyBlocks(64)...), zstd.ErrFrameSizeMismatch},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			allocated := zstdTestAllocated(func() { _, err = zstdDecompress(ZstdDecoderParams{}, nil, tc.frame, tc.bound) })
			if !errors.Is(err, ErrMalformedZstdFrame) || (tc.cause != nil && !errors.Is(err, tc.cause)) {
				t.Fatalf("err = %v, want ErrMalformedZstdFrame and %v", err, tc.cause)
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("declares %d bytes", tc.claim)) {
				t.Errorf("error does not name the claim: %v", err)
			}
			// The copy of the frame, and the decoder's first guess of
			// twice the input, capped at 1 MiB.
			if max := uint64(len(tc.frame)) + 1<<20 + 64<<10; allocated > max {
				t.Errorf("allocated %d bytes for a %d-byte frame, want at most %d", allocated, len(tc.frame), max)
			}
		})
	}
}

// The figure: under the default configuration, through the path a
// consumer takes, a 4 GiB claim costs less than 1 MiB.
func TestDecompressFourGiBClaimUnderDefaultConfig(t *testing.T) {
	withMaxDecompressedBatchSize(t, 0)
	zstdTestWarm(t, 0)
	for name, frame := range map[string][]byte{
		"tiny":         append(zstdTestHeader(4<<30, 10), zstdTestBlock(zstdTestRLE, 1, true, 'x')...),
		"empty-blocks": append(zstdTestHeader(4<<30, 17), zstdTestEmptyBlocks(32768)...),
	} {
		t.Run(name, func(t *testing.T) {
			var err error
			allocated := zstdTestAllocated(func() { _, err = decompress(CompressionZSTD, frame) })
			if !errors.Is(err, ErrMalformedZstdFrame) {
				t.Fatalf("err = %v, want ErrMalformedZstdFrame", err)
			}
			if allocated >= 1<<20 {
				t.Errorf("a 4 GiB claim allocated %d bytes", allocated)
			}
		})
	}
}

// Valid frames of 4 bytes per 128 KiB, the most zstd inflates: the
// bound applies, and without one memory follows the content.
func TestZstdDecompressHighRatio(t *testing.T) {
	const content = 16 << 20
	frame := zstdTestRLEFrame(content, true)
	if ratio := content / len(frame); ratio < 30000 {
		t.Fatalf("ratio %d:1", ratio)
	}
	zstdTestWarm(t, 0, content, content-1, 1<<20)

	t.Run("unbounded", func(t *testing.T) {
		var out []byte
		var err error
		allocated := zstdTestAllocated(func() { out, err = zstdDecompress(ZstdDecoderParams{}, nil, frame, 0) })
		if err != nil || len(out) != content || bytes.IndexFunc(out, func(r rune) bool { return r != 'x' }) >= 0 {
			t.Fatalf("%d bytes, %v", len(out), err)
		}
		// The claim, allocated once an eighth of it decoded, and the
		// probes that decoded it.
		if allocated > content*5/4 {
			t.Errorf("allocated %d bytes for %d of content", allocated, content)
		}
	})
	t.Run("at the bound", func(t *testing.T) {
		out, err := zstdDecompress(ZstdDecoderParams{}, nil, frame, content)
		if err != nil || len(out) != content {
			t.Fatalf("%d bytes, %v", len(out), err)
		}
	})
	for _, bound := range []int{content - 1, 1 << 20} {
		t.Run(fmt.Sprintf("over the bound %d", bound), func(t *testing.T) {
			var err error
			allocated := zstdTestAllocated(func() { _, err = zstdDecompress(ZstdDecoderParams{}, nil, frame, bound) })
			if !errors.Is(err, zstd.ErrDecoderSizeExceeded) || errors.Is(err, ErrMalformedZstdFrame) {
				t.Fatalf("err = %v, want zstd.ErrDecoderSizeExceeded", err)
			}
			if allocated > 64<<10 {
				t.Errorf("a claim over the bound allocated %d bytes", allocated)
			}
		})
	}

	// The same content in frames that do not declare it: the decoder
	// stops at the bound, having allocated little more than the bound.
	unclaimed := zstdTestRLEFrame(content, false)
	for _, bound := range []int{1 << 20, 4 << 20} {
		t.Run(fmt.Sprintf("undeclared content over the bound %d", bound), func(t *testing.T) {
			var err error
			allocated := zstdTestAllocated(func() { _, err = zstdDecompress(ZstdDecoderParams{}, nil, unclaimed, bound) })
			if !errors.Is(err, zstd.ErrDecoderSizeExceeded) {
				t.Fatalf("err = %v, want zstd.ErrDecoderSizeExceeded", err)
			}
			// Allocated in all: the appends' buffers, each some 1.25x
			// the last, add up to 5x the last, which is at most the
			// bound and a block.
			if max := uint64(bound)*6 + 1<<20; allocated > max {
				t.Errorf("bound %d: allocated %d bytes, want at most %d", bound, allocated, max)
			}
		})
	}

	t.Run("through decompress", func(t *testing.T) {
		withMaxDecompressedBatchSize(t, 1<<20)
		_, err := decompress(CompressionZSTD, frame)
		if !errors.Is(err, ErrDecompressedBatchTooLarge) {
			t.Fatalf("err = %v, want ErrDecompressedBatchTooLarge", err)
		}
	})
}

// A frame that declares more than zstdTrustedClaim is probed, then decoded
// with its claim, which is checked, in both header forms.
func TestZstdDecompressChecksLargeClaims(t *testing.T) {
	src := zstdTestPayload(3 << 20)
	for _, single := range []bool{true, false} {
		t.Run(fmt.Sprintf("single-segment=%v", single), func(t *testing.T) {
			frame := zstdTestCompress(t, src, zstd.WithSingleSegment(single))
			var h zstd.Header
			if err := h.Decode(frame); err != nil || h.SingleSegment != single || h.FrameContentSize != uint64(len(src)) {
				t.Fatalf("frame header %+v, %v", h, err)
			}
			got, err := zstdDecompress(ZstdDecoderParams{}, []byte("keep"), frame, 0)
			if err != nil || !bytes.Equal(got[4:], src) || string(got[:4]) != "keep" {
				t.Fatalf("round trip: %d bytes, %v", len(got), err)
			}
			for _, claim := range []uint64{uint64(len(src)) - 1, uint64(len(src)) + 1} {
				bad := bytes.Clone(frame)
				zstdTestSetClaim(t, bad, claim)
				_, err := zstdDecompress(ZstdDecoderParams{}, nil, bad, 0)
				if !errors.Is(err, ErrMalformedZstdFrame) || !strings.Contains(err.Error(), fmt.Sprintf("declares %d bytes", claim)) {
					t.Errorf("claim %d for %d bytes: err = %v", claim, len(src), err)
				}
			}
		})
	}
	t.Run("single segment within 1/8 under the bound", func(t *testing.T) {
		// 3 MiB and 1000 bytes: the smallest window holding it is
		// 3.5 MiB, more than the bound.
		src := zstdTestPayload(3<<20 + 1000)
		frame := zstdTestCompress(t, src, zstd.WithSingleSegment(true))
		if got, err := zstdDecompress(ZstdDecoderParams{}, nil, frame, len(src)); err != nil || !bytes.Equal(got, src) {
			t.Errorf("at the bound: %d bytes, %v", len(got), err)
		}
		if _, err := zstdDecompress(ZstdDecoderParams{}, nil, frame, len(src)-1); !errors.Is(err, zstd.ErrDecoderSizeExceeded) {
			t.Errorf("one byte under: err = %v", err)
		}
	})
	t.Run("checksum still checked", func(t *testing.T) {
		random := make([]byte, 2<<20)
		rng := rand.New(rand.NewPCG(1, 2))
		for i := range random {
			random[i] = byte(rng.Uint32())
		}
		frame := zstdTestCompress(t, random, zstd.WithEncoderCRC(true))
		frame[len(frame)/2] ^= 1 // in a raw block: random bytes do not compress
		_, err := zstdDecompress(ZstdDecoderParams{}, nil, frame, 0)
		if !errors.Is(err, ErrMalformedZstdFrame) || !errors.Is(err, zstd.ErrCRCMismatch) {
			t.Errorf("err = %v, want a checksum mismatch", err)
		}
	})
	t.Run("dictionary kept", func(t *testing.T) {
		// Dictionary_ID_Flag 1, ID 7: the decoder has no dictionaries.
		h := []byte{0x28, 0xb5, 0x2f, 0xfd, 0xc1, 7 << 3, 7}
		h = binary.LittleEndian.AppendUint64(h, 2<<20)
		frame := append(h, zstdTestEmptyBlocks(16)...)
		_, err := zstdDecompress(ZstdDecoderParams{}, nil, frame, 0)
		if !errors.Is(err, ErrMalformedZstdFrame) || !errors.Is(err, zstd.ErrUnknownDictionary) {
			t.Errorf("err = %v, want an unknown dictionary", err)
		}
	})
}

// A valid frame over zstdTrustedClaim costs its claim, allocated in one
// buffer as upstream does, and the probes that decode an eighth of it
// first: within 1.25x the claim, whether its blocks are compressed records
// or RLE.
func TestZstdDecompressLargeValidFrameAllocatesItsClaim(t *testing.T) {
	zstdTestWarm(t, 0)
	for _, size := range []int{2 << 20, 16 << 20} {
		records, err := zstdCompress(ZstdEncoderParams{Level: 3}, nil, zstdTestPayload(size))
		if err != nil {
			t.Fatal(err)
		}
		for name, frame := range map[string][]byte{"records": records, "rle": zstdTestRLEFrame(size, true)} {
			t.Run(fmt.Sprintf("size=%dMiB/frame=%s", size>>20, name), func(t *testing.T) {
				var out []byte
				allocated := zstdTestAllocated(func() { out, err = zstdDecompress(ZstdDecoderParams{}, nil, frame, 0) })
				if err != nil || len(out) != size {
					t.Fatalf("%d bytes, %v", len(out), err)
				}
				if max := uint64(size) * 5 / 4; allocated > max {
					t.Errorf("allocated %d bytes for a %d-byte frame, want at most %d", allocated, size, max)
				}
			})
		}
	}
}

// A frame whose first blocks decode to an eighth of its claim and whose
// others decode to nothing: the claim is allocated, then refused. That is
// the most a frame can make the decoder allocate: 8 times what it decodes
// (and the probes). One that decodes to less than an eighth first is
// decoded with its claim hidden, and costs what it decodes, grown by
// appends (some 5 times as much in all), and the probes.
func TestZstdDecompressClaimProvenByAnEighth(t *testing.T) {
	const claim = 16 << 20
	frame := func(valid int) []byte {
		f := zstdTestHeader(claim, 17)
		for range valid / zstdMaxBlockSize {
			f = append(f, zstdTestBlock(zstdTestRLE, zstdMaxBlockSize, false, 'x')...)
		}
		return append(f, zstdTestEmptyBlocks((claim-valid)/zstdMaxBlockSize)...)
	}
	zstdTestWarm(t, 0)
	for _, tc := range []struct {
		valid int
		max   uint64
	}{
		{claim / zstdClaimProofShare, claim + claim/zstdClaimProofShare + 1<<20},
		{claim/zstdClaimProofShare - zstdMaxBlockSize, 6*(claim/zstdClaimProofShare-zstdMaxBlockSize) + 4<<20},
	} {
		t.Run(fmt.Sprintf("valid=%dKiB", tc.valid>>10), func(t *testing.T) {
			var err error
			allocated := zstdTestAllocated(func() { _, err = zstdDecompress(ZstdDecoderParams{}, nil, frame(tc.valid), 0) })
			if !errors.Is(err, ErrMalformedZstdFrame) || !strings.Contains(err.Error(), fmt.Sprintf("declares %d bytes", claim)) {
				t.Fatalf("err = %v, want ErrMalformedZstdFrame naming the claim", err)
			}
			if allocated > tc.max {
				t.Errorf("allocated %d bytes for a frame that decodes to %d, want at most %d", allocated, tc.valid, tc.max)
			}
		})
	}
}

func TestZstdWindowFor(t *testing.T) {
	for _, tc := range []struct {
		n      uint64
		wd     byte
		window uint64
	}{
		{0, 0, 1 << 10},
		{1 << 10, 0, 1 << 10},
		{1<<10 + 1, 1, 1<<10 + 1<<7},
		{3 << 20, 11<<3 | 4, 3 << 20},
		{3<<20 + 1, 11<<3 | 5, 3<<20 + 1<<18},
		{1<<41 + 7<<38, 31<<3 | 7, 1<<41 + 7<<38},
	} {
		wd, window, ok := zstdWindowFor(tc.n)
		if !ok || wd != tc.wd || window != tc.window {
			t.Errorf("zstdWindowFor(%d) = %#x, %d, %v; want %#x, %d", tc.n, wd, window, ok, tc.wd, tc.window)
		}
		// The descriptor decodes to the window, as a decoder reads it.
		var h zstd.Header
		if err := h.Decode([]byte{0x28, 0xb5, 0x2f, 0xfd, 0, wd}); err != nil || h.WindowSize != window {
			t.Errorf("descriptor %#x reads as %d, %v; want %d", wd, h.WindowSize, err, window)
		}
	}
	if _, _, ok := zstdWindowFor(1<<41 + 7<<38 + 1); ok {
		t.Error("a window past the largest")
	}
}

func TestZstdDecompressFrames(t *testing.T) {
	a, b := zstdTestPayload(100<<10), zstdTestPayload(3<<20)
	fa, fb := zstdTestCompress(t, a), zstdTestCompress(t, b)
	skippable := []byte{0x5a, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 'a', 'b', 'c'}
	both := append(append(append([]byte{}, fa...), skippable...), fb...)
	want := append(append([]byte{}, a...), b...)
	for _, bound := range []int{0, len(want)} {
		got, err := zstdDecompress(ZstdDecoderParams{}, nil, both, bound)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("bound %d: %d bytes, %v", bound, len(got), err)
		}
	}
	// Each frame is within the bound, the two are not.
	if _, err := zstdDecompress(ZstdDecoderParams{}, nil, both, len(want)-1); !errors.Is(err, zstd.ErrDecoderSizeExceeded) {
		t.Errorf("two frames over the bound: err = %v", err)
	}
	bad := append(append([]byte{}, fa...), zstdTestHeader(4<<30, 10)...)
	bad = append(bad, zstdTestBlock(zstdTestRLE, 1, true, 'x')...)
	_, err := zstdDecompress(ZstdDecoderParams{}, nil, bad, 0)
	if !errors.Is(err, ErrMalformedZstdFrame) || !strings.Contains(err.Error(), fmt.Sprintf("at byte %d (declares 4294967296 bytes)", len(fa))) {
		t.Errorf("second frame bad: err = %v", err)
	}
	for name, in := range map[string][]byte{
		"truncated skippable": skippable[:9],
		"trailing bytes":      append(bytes.Clone(fa), 1, 2),
		"reserved block":      append(zstdTestHeader(10, 10), zstdTestBlock(3, 1, true, 0)...),
		"not zstd":            []byte("not zstd at all"),
	} {
		if _, err := zstdDecompress(ZstdDecoderParams{}, nil, in, 0); !errors.Is(err, ErrMalformedZstdFrame) {
			t.Errorf("%s: err = %v, want ErrMalformedZstdFrame", name, err)
		}
	}
	if got, err := zstdDecompress(ZstdDecoderParams{}, []byte("x"), nil, 0); err != nil || string(got) != "x" {
		t.Errorf("empty input: %q, %v", got, err)
	}
}

// Decoding into a buffer with room allocates nothing, whatever the size.
func TestZstdDecompressValidPathAllocatesNothing(t *testing.T) {
	if zstdTestRace() {
		t.Skip("the race detector's instrumentation of the decoder allocates")
	}
	for _, size := range []int{2 << 10, 1 << 20, 3 << 20} {
		src := zstdTestPayload(size)
		frame := zstdTestCompress(t, src)
		dst := make([]byte, 0, size)
		allocs := testing.AllocsPerRun(20, func() {
			out, err := zstdDecompress(ZstdDecoderParams{}, dst, frame, 0)
			if err != nil || len(out) != size {
				t.Fatalf("%d bytes, %v", len(out), err)
			}
		})
		if allocs != 0 {
			t.Errorf("size %d: %.1f allocations per decode into a buffer with room", size, allocs)
		}
	}
}

// The shared decoders and the scratch pool under concurrent valid and bad
// input (run with -race).
func TestZstdDecompressConcurrent(t *testing.T) {
	src := zstdTestPayload(64 << 10)
	good := zstdTestCompress(t, src)
	big := zstdTestCompress(t, zstdTestPayload(2<<20))
	bad := append(zstdTestHeader(4<<30, 17), zstdTestEmptyBlocks(32768)...)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 20 {
				bound := []int{0, 1 << 20, 4 << 20}[(g+i)%3]
				if out, err := zstdDecompress(ZstdDecoderParams{}, nil, good, bound); err != nil || !bytes.Equal(out, src) {
					t.Errorf("good: %v", err)
				}
				// Over a bound, the claim is refused before decoding.
				want := ErrMalformedZstdFrame
				if bound > 0 {
					want = zstd.ErrDecoderSizeExceeded
				}
				if _, err := zstdDecompress(ZstdDecoderParams{}, nil, bad, bound); !errors.Is(err, want) {
					t.Errorf("bad, bound %d: %v", bound, err)
				}
				if out, err := zstdDecompress(ZstdDecoderParams{}, nil, big, 0); err != nil || len(out) != 2<<20 {
					t.Errorf("big: %v", err)
				}
			}
		})
	}
	wg.Wait()
}

// zstdFuzzSeeds are valid batches, as producers compress them, and frames
// that lie about their size or are cut short.
func zstdFuzzSeeds(t testing.TB) [][]byte {
	var seeds [][]byte
	for _, n := range []int{0, 1, 100, 2 << 10, 64 << 10} {
		var records []*Record
		for i := range max(n/100, 1) {
			records = append(records, &Record{OffsetDelta: int64(i), Key: []byte(strconv.Itoa(i)), Value: zstdTestPayload(min(n, 100))})
		}
		raw, err := encode(recordsArray(records), nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, level := range []int{1, 3, 9} {
			frame, err := zstdCompress(ZstdEncoderParams{Level: level}, nil, raw)
			if err != nil {
				t.Fatal(err)
			}
			seeds = append(seeds, frame)
		}
		seeds = append(seeds, zstdTestCompress(t, raw, zstd.WithSingleSegment(false), zstd.WithEncoderCRC(true)))
	}
	for _, frame := range zstdTestBadFrames(1 << 20) {
		seeds = append(seeds, frame)
	}
	seeds = append(seeds,
		zstdTestRLEFrame(2<<20, true),
		zstdTestRLEFrame(2<<20, false),
		append(zstdTestHeader(16<<20, 17), zstdTestEmptyBlocks(128)...),
		append(zstdTestHeader(4<<20, 17), bytes.Repeat(zstdTestBlock(zstdTestCompressed, 4, false, 0xff, 0xff, 0xff, 0xff), 32)...),
		append([]byte{0x5a, 0x2a, 0x4d, 0x18, 1, 0, 0, 0, 'a'}, seeds[0]...),
		append(bytes.Clone(seeds[4]), seeds[8]...),
	)
	return seeds
}

// zstdFuzzShape is what a scan of data tells without decoding: the most its
// frames can decode to, the largest content size one declares and the
// largest window one needs. ok is false if the scan rejects data.
func zstdFuzzShape(data []byte) (content, claim, window uint64, ok bool) {
	for pos := 0; pos < len(data); {
		f, err := zstdScanFrame(data[pos:], pos)
		if err != nil {
			return 0, 0, 0, false
		}
		pos += f.size
		if f.header.Skippable {
			continue
		}
		content += f.maxContent
		claim = max(claim, f.header.FrameContentSize)
		if f.header.SingleSegment {
			window = max(window, f.header.FrameContentSize)
		} else {
			window = max(window, f.header.WindowSize)
		}
	}
	return content, claim, window, true
}

// FuzzZstdDecompress decodes any input with and without a bound. It must
// never panic, never return more than the bound, and never allocate more
// than a fixed multiple of the input and of the output the frames can
// produce (the bound, or what their blocks can hold), plus constant slack:
// in particular never what a frame claims. Where every claim is small
// enough for the reference decoder to allocate it safely, the result must
// be the reference's, klauspost/compress's DecodeAll.
func FuzzZstdDecompress(f *testing.F) {
	for _, seed := range zstdFuzzSeeds(f) {
		f.Add(seed)
	}
	const bound = 1 << 20
	ref, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(ref.Close)
	allocated := func(fn func()) uint64 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		fn()
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	// Append growth allocates some 5x what it ends with; a bound may be
	// overrun by 1/8 and a block; the decoders' first buffers, the copy of
	// a frame and the trusted claim are constant or linear in the input.
	const slack = 2<<20 + zstdTrustedClaim
	f.Fuzz(func(t *testing.T, data []byte) {
		var bounded []byte
		var boundedErr error
		if a := allocated(func() { bounded, boundedErr = zstdDecompress(ZstdDecoderParams{}, nil, data, bound) }); a > uint64(8*len(data)+6*bound+slack) {
			t.Fatalf("bound %d: allocated %d bytes for %d bytes of input", bound, a, len(data))
		}
		if boundedErr == nil && len(bounded) > bound {
			t.Fatalf("%d bytes out, over the bound of %d", len(bounded), bound)
		}
		content, claim, window, ok := zstdFuzzShape(data)
		if !ok {
			if boundedErr == nil {
				t.Fatal("decoded data that the scan rejects")
			}
			return
		}
		if content > 8<<20 {
			return // without a bound, decoding could take that much
		}
		var out []byte
		var err error
		if a := allocated(func() { out, err = zstdDecompress(ZstdDecoderParams{}, nil, data, 0) }); a > 8*uint64(len(data))+6*content+slack {
			t.Fatalf("allocated %d bytes for %d bytes of input that can decode to %d", a, len(data), content)
		}
		if err == nil && window <= bound && len(out) <= bound && (boundedErr != nil || !bytes.Equal(out, bounded)) {
			t.Fatalf("%d bytes decode without a bound, but not with one: %v", len(out), boundedErr)
		}
		if claim <= 8<<20 {
			want, wantErr := ref.DecodeAll(data, nil)
			if (err == nil) != (wantErr == nil) || !bytes.Equal(out, want) && err == nil {
				t.Fatalf("decoded %d bytes, %v; DecodeAll decodes %d bytes, %v", len(out), err, len(want), wantErr)
			}
		}
	})
}

// BenchmarkZstdDecode decodes batches of JSON-like records (zstd_test.go's
// payload, level 3) the way a consumer does: decompress with the package's
// pooled buffers and its copy of the result (path=decompress), and
// zstdDecompress into a reused buffer (path=dst).
func BenchmarkZstdDecode(b *testing.B) {
	for _, size := range []int{2 << 10, 1 << 20} {
		src := zstdTestPayload(size)
		frame, err := zstdCompress(ZstdEncoderParams{Level: 3}, nil, src)
		if err != nil {
			b.Fatal(err)
		}
		name := fmt.Sprintf("size=%dKiB", size>>10)
		b.Run(name+"/path=decompress", func(b *testing.B) {
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				if out, err := decompress(CompressionZSTD, frame); err != nil || len(out) != size {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/path=dst", func(b *testing.B) {
			dst := make([]byte, 0, size)
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				if out, err := zstdDecompress(ZstdDecoderParams{}, dst, frame, 0); err != nil || len(out) != size {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkZstdDecodeLarge decodes one valid frame of 2, 16 or 64 MiB into
// an empty buffer, as a consumer's first batch of that size is: JSON-like
// records compressed at level 3 (frame=records), and RLE blocks, the most
// zstd inflates (frame=rle). decoder=fork is zstdDecompress without a
// bound; decoder=upstream is what upstream's zstdDecompress does, one
// DecodeAll of a decoder built with its options, which allocates the
// frame's declared size. B/op is the figure to compare (make bench-decode).
func BenchmarkZstdDecodeLarge(b *testing.B) {
	upstream, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(0))
	if err != nil {
		b.Fatal(err)
	}
	defer upstream.Close()
	for _, size := range []int{2 << 20, 16 << 20, 64 << 20} {
		records, err := zstdCompress(ZstdEncoderParams{Level: 3}, nil, zstdTestPayload(size))
		if err != nil {
			b.Fatal(err)
		}
		for _, frame := range []struct {
			name string
			data []byte
		}{{"records", records}, {"rle", zstdTestRLEFrame(size, true)}} {
			for _, decoder := range []struct {
				name   string
				decode func() ([]byte, error)
			}{
				{"fork", func() ([]byte, error) { return zstdDecompress(ZstdDecoderParams{}, nil, frame.data, 0) }},
				{"upstream", func() ([]byte, error) { return upstream.DecodeAll(frame.data, nil) }},
			} {
				b.Run(fmt.Sprintf("size=%dMiB/frame=%s/decoder=%s", size>>20, frame.name, decoder.name), func(b *testing.B) {
					b.SetBytes(int64(size))
					b.ReportAllocs()
					for b.Loop() {
						if out, err := decoder.decode(); err != nil || len(out) != size {
							b.Fatalf("%d bytes, %v", len(out), err)
						}
					}
				})
			}
		}
	}
}
