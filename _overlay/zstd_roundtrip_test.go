//go:build !functional

package sarama

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// zstdTestPayload returns n bytes of JSON-like records: field names repeat,
// values vary, so zstd compresses it a few times over, as it does real
// Kafka batches. The same n always gives the same bytes.
func zstdTestPayload(n int) []byte {
	rng := rand.New(rand.NewPCG(uint64(n), 2965))
	var b bytes.Buffer
	for b.Len() < n {
		fmt.Fprintf(&b, `{"id":%d,"user":"u%05d","event":"%s","amount":%d.%02d,"ts":%d}`+"\n",
			rng.Uint32(), rng.IntN(50000), [...]string{"view", "click", "buy", "refund"}[rng.IntN(4)],
			rng.IntN(1000), rng.IntN(100), 1790000000000+rng.Int64N(1e9))
	}
	return b.Bytes()[:n]
}

func TestZstdRoundTrip(t *testing.T) {
	for _, level := range []int{CompressionLevelDefault, 1, 3, 9, 19} {
		for _, size := range []int{0, 1, 2 << 10, 1 << 20} {
			t.Run(fmt.Sprintf("level=%d/size=%d", level, size), func(t *testing.T) {
				src := zstdTestPayload(size)
				viaDefault, err := zstdCompress(ZstdEncoderParams{Level: level}, nil, src)
				if err != nil {
					t.Fatal(err)
				}
				c := newTestZstdCompressor(t, zstdTestConfig(level, 1, 1))
				viaProducer, err := c.compress(src)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(viaDefault, viaProducer) {
					t.Error("the producer's pool and the default pool produced different bytes")
				}
				if size == 0 && len(viaDefault) == 0 {
					t.Error("empty input must still produce a frame (WithZeroFrames)")
				}
				got, err := zstdDecompress(ZstdDecoderParams{}, nil, viaDefault, 0)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, src) {
					t.Fatalf("round trip changed %d bytes into %d", len(src), len(got))
				}
			})
		}
	}
}

func TestZstdCompressAppendsToDst(t *testing.T) {
	prefix := []byte("prefix")
	out, err := zstdCompress(ZstdEncoderParams{Level: 3}, prefix, []byte("payload"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(out, prefix) {
		t.Fatal("zstdCompress did not append to dst")
	}
	got, err := zstdDecompress(ZstdDecoderParams{}, []byte("keep"), out[len(prefix):], 0)
	if err != nil || string(got) != "keeppayload" {
		t.Fatalf("zstdDecompress = %q, %v; want it appended to dst", got, err)
	}
}

func TestZstdDecompressMaxDecodedSize(t *testing.T) {
	src := zstdTestPayload(64 << 10)
	compressed, err := zstdCompress(ZstdEncoderParams{Level: 3}, nil, src)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zstdDecompress(ZstdDecoderParams{}, nil, compressed, len(src)-1); !errors.Is(err, zstd.ErrDecoderSizeExceeded) {
		t.Errorf("decoding past maxDecodedSize: err = %v, want zstd.ErrDecoderSizeExceeded", err)
	}
	if got, err := zstdDecompress(ZstdDecoderParams{}, nil, compressed, len(src)); err != nil || !bytes.Equal(got, src) {
		t.Errorf("decoding within maxDecodedSize failed: %v", err)
	}
	if _, err := zstdDecompress(ZstdDecoderParams{}, nil, []byte("not zstd"), 0); err == nil {
		t.Error("garbage decoded without error")
	}
}
