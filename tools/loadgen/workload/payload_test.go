package workload

import (
	"bytes"
	"errors"
	"testing"
)

func TestKeyRoundTrip(t *testing.T) {
	for _, c := range [][2]int{{0, 0}, {7, 123}, {99999, 999999999}} {
		p, s, err := ParseKey(Key(c[0], c[1]))
		if err != nil || p != c[0] || s != c[1] {
			t.Errorf("ParseKey(Key(%d, %d)) = %d, %d, %v", c[0], c[1], p, s, err)
		}
	}
	for _, bad := range []string{"", "p00001-00000000x", "q00001-000000001", "p00001_000000001"} {
		if _, _, err := ParseKey([]byte(bad)); err == nil {
			t.Errorf("ParseKey(%q) accepted a malformed key", bad)
		}
	}
}

func TestValueIsDeterministicAndDistinct(t *testing.T) {
	a, b := Value(3, 4, 800), Value(3, 4, 800)
	if !bytes.Equal(a, b) {
		t.Fatal("the same message gave different values: a verifier could not rebuild it")
	}
	if bytes.Equal(a, Value(3, 5, 800)) || bytes.Equal(a, Value(4, 4, 800)) {
		t.Fatal("different messages gave the same value")
	}
	if n := len(a); n < 700 || n > 900 {
		t.Errorf("value of size 800 is %d bytes", n)
	}
}

func TestCheckValueCatchesEveryFlippedByte(t *testing.T) {
	v := Value(1, 2, 400)
	if err := CheckValue(v); err != nil {
		t.Fatalf("intact value rejected: %v", err)
	}
	for i := range v {
		c := bytes.Clone(v)
		c[i] ^= 0x20
		if err := CheckValue(c); !errors.Is(err, ErrChecksum) {
			t.Fatalf("flipping byte %d went unnoticed", i)
		}
	}
	if err := CheckValue(v[:len(v)-1]); err == nil {
		t.Fatal("truncated value accepted")
	}
}

func TestSampleRatioIsSemiCompressible(t *testing.T) {
	if r := SampleCompressionRatio(100, 1000, 3); r < 3 || r > 5 {
		t.Errorf("sample compression ratio %.2f, want 3-5x (realistic, semi-compressible values)", r)
	}
}

// ValueInto gives Value's bytes whatever the buffer held, and reuses its
// memory when it is large enough.
func TestValueIntoReusesTheBuffer(t *testing.T) {
	buf := Value(9, 9, 2000)
	v := ValueInto(buf, 3, 4, 800)
	if !bytes.Equal(v, Value(3, 4, 800)) {
		t.Fatal("ValueInto over a used buffer differs from Value")
	}
	if &v[0] != &buf[0] {
		t.Error("a large enough buffer was not reused")
	}
	if small := ValueInto(make([]byte, 0, 10), 3, 4, 800); !bytes.Equal(small, v) {
		t.Error("ValueInto with a small buffer differs from Value")
	}
}

// Values below compactBelow keep the identity and the checksum and reach
// down to the 80 bytes of the smallest messages the fault tests send.
func TestSmallValues(t *testing.T) {
	for _, size := range []int{1, 80, 120, compactBelow - 1} {
		v := Value(12345, 123456789, size)
		if n := len(v); n > max(size, 80) {
			t.Errorf("value of size %d is %d bytes", size, n)
		}
		if _, _, err := CheckMessage(Key(12345, 123456789), v); err != nil {
			t.Errorf("size %d: %v", size, err)
		}
	}
}

// CheckMessage refuses an intact value under another message's key: a
// batch that carried the right bytes for the wrong record is caught.
func TestCheckMessageCatchesAnotherMessagesValue(t *testing.T) {
	for _, size := range []int{100, 800} {
		v := Value(3, 40, size)
		if _, _, err := CheckMessage(Key(3, 40), v); err != nil {
			t.Fatalf("size %d: intact message rejected: %v", size, err)
		}
		for _, k := range [][2]int{{3, 4}, {3, 400}, {30, 40}, {2, 40}} {
			if _, _, err := CheckMessage(Key(k[0], k[1]), v); err == nil {
				t.Errorf("size %d: value of p3 seq 40 accepted under the key of p%d seq %d", size, k[0], k[1])
			}
		}
	}
}
