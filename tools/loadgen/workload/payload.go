package workload

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"strconv"
)

// A message is identified by its producer and its sequence number inside
// that producer; both are encoded in the key, and the value is a pure
// function of them, so a verifier can rebuild the exact bytes it expects
// without the producer keeping a copy of what it sent.

// keyPrefix starts every key; keys look like "p00012-000000345".
const keyPrefix = 'p'

// Key returns the unique key of message seq of producer.
func Key(producer, seq int) []byte {
	return fmt.Appendf(nil, "%c%05d-%09d", keyPrefix, producer, seq)
}

// ParseKey is the inverse of Key.
func ParseKey(k []byte) (producer, seq int, err error) {
	if len(k) != 16 || k[0] != keyPrefix || k[6] != '-' {
		return 0, 0, fmt.Errorf("malformed key %q", k)
	}
	p, err1 := strconv.Atoi(string(k[1:6]))
	s, err2 := strconv.Atoi(string(k[7:]))
	if err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("malformed key %q", k)
	}
	return p, s, nil
}

// checksumPrefix opens every value; the eight hex digits after it are the
// IEEE crc32 of everything after checksumHeaderLen. Putting the checksum
// first keeps the check independent of any JSON parsing.
const (
	checksumPrefix    = `{"crc32":"`
	checksumHeaderLen = len(checksumPrefix) + 8 + 2 // prefix, 8 hex digits, `",`
)

// Vocabularies give the values the repetition real event streams have
// (field names, enumerations, words), which is what zstd finds; the random
// identifiers and the opaque blob are what it cannot compress.
var (
	events    = []string{"page_view", "add_to_cart", "checkout", "search", "login", "logout", "rate_item", "share"}
	countries = []string{"DE", "FR", "US", "GB", "IN", "BR", "JP", "ES", "IT", "NL"}
	plans     = []string{"free", "basic", "pro", "enterprise"}
	words     = []string{"fast", "delivery", "blue", "jacket", "size", "medium", "great", "quality",
		"would", "buy", "again", "the", "colour", "matches", "photo", "slightly", "larger", "than",
		"expected", "returned", "second", "order", "gift", "wrapped", "nicely", "cheap", "price"}
)

// Value returns the value of message seq of producer, about size bytes long.
// From compactBelow bytes up it is an event with the fixed fields of a real
// one (about 250 bytes) and items; below, only the identity and a random
// pad (no shorter than about 70 bytes). The same arguments always give the
// same bytes. It is built with appends into one buffer, the only
// allocation, so that generating the workload costs little next to what is
// measured (the producers).
func Value(producer, seq, size int) []byte { return ValueInto(nil, producer, seq, size) }

// ValueInto is Value written over buf's memory when its capacity is
// enough (then it allocates nothing), or into a new buffer. The producers
// recycle the buffers of acknowledged messages with it.
func ValueInto(buf []byte, producer, seq, size int) []byte {
	var pcg rand.PCG
	pcg.Seed(uint64(producer)+1, uint64(seq)*0x9e3779b97f4a7c15+1)
	r := rand.New(&pcg)
	pick := func(list []string) string { return list[r.IntN(len(list))] }

	// Roughly an eighth of the value is random bytes (base64), the
	// incompressible part; the rest is structured, repetitive text. This
	// gives zstd ratios of about 3-5x on batches (the loadgen measures it).
	blobLen := max(size/8*3/4, 8)
	v := buf[:0]
	if cap(v) < size+320 {
		v = make([]byte, 0, size+320)
	}
	v = append(v, checksumPrefix+`00000000",`...) // checksum filled in last
	v = appendIdentity(v, producer, seq)
	if size < compactBelow {
		return appendCompact(v, r, size)
	}
	v = append(v, `,"ts":`...)
	v = strconv.AppendInt(v, 1_760_000_000_000+int64(seq)*37+int64(r.IntN(1000)), 10)
	v = append(v, `,"event":"`...)
	v = append(v, pick(events)...)
	uid := int64(r.IntN(1_000_000))
	v = append(v, `","user":{"id":`...)
	v = strconv.AppendInt(v, uid, 10)
	v = append(v, `,"name":"user-`...)
	v = strconv.AppendInt(v, uid, 10)
	v = append(v, `","country":"`...)
	v = append(v, pick(countries)...)
	v = append(v, `","plan":"`...)
	v = append(v, pick(plans)...)
	v = append(v, `"},"session":"`...)
	v = appendHex(v, r.Uint64(), 16)
	v = append(v, `","items":[`...)
	for i := 0; len(v)-checksumHeaderLen < size-blobLen*4/3-80; i++ {
		if i > 0 {
			v = append(v, ',')
		}
		v = append(v, `{"sku":"SKU-`...)
		v = appendPadded(v, r.IntN(20000), 5)
		v = append(v, `","qty":`...)
		v = strconv.AppendInt(v, int64(1+r.IntN(4)), 10)
		v = append(v, `,"price":`...)
		v = strconv.AppendInt(v, int64(1+r.IntN(200)), 10)
		v = append(v, '.')
		v = appendPadded(v, r.IntN(100), 2)
		v = append(v, `,"review":"`...)
		v = append(v, pick(words)...)
		v = append(v, ' ')
		v = append(v, pick(words)...)
		v = append(v, ' ')
		v = append(v, pick(words)...)
		v = append(v, `"}`...)
	}
	v = append(v, `],"blob":"`...)
	var blob [255]byte // a multiple of 3: no base64 padding between chunks
	for i := 0; i < blobLen; i += len(blob) {
		chunk := blob[:min(len(blob), blobLen-i)]
		for j := range chunk {
			chunk[j] = byte(r.Uint32())
		}
		v = base64.StdEncoding.AppendEncode(v, chunk)
	}
	v = append(v, `"}`...)
	return sealChecksum(v)
}

// compactBelow is the size under which a value has no event fields.
const compactBelow = 256

// appendIdentity appends the fields that name the message, which every
// value starts with after its checksum (see CheckMessage).
func appendIdentity(v []byte, producer, seq int) []byte {
	v = append(v, `"producer":`...)
	v = strconv.AppendInt(v, int64(producer), 10)
	v = append(v, `,"seq":`...)
	return strconv.AppendInt(v, int64(seq), 10)
}

// appendCompact finishes a small value: a pad of random base64 up to size.
func appendCompact(v []byte, r *rand.Rand, size int) []byte {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	v = append(v, `,"pad":"`...)
	for n := size - len(v) - 2; n > 0; n-- {
		v = append(v, alphabet[r.IntN(len(alphabet))])
	}
	v = append(v, `"}`...)
	return sealChecksum(v)
}

// sealChecksum writes the checksum of v's content into its header.
func sealChecksum(v []byte) []byte {
	appendHex(v[len(checksumPrefix):len(checksumPrefix)], uint64(crc32.ChecksumIEEE(v[checksumHeaderLen:])), 8)
	return v
}

// appendHex appends x as exactly digits lowercase hex digits.
func appendHex(b []byte, x uint64, digits int) []byte {
	const hex = "0123456789abcdef"
	for i := digits - 1; i >= 0; i-- {
		b = append(b, hex[(x>>(4*i))&0xf])
	}
	return b
}

// appendPadded appends x (non-negative) in decimal, zero-padded to width.
func appendPadded(b []byte, x, width int) []byte {
	n := 1
	for t := x; t >= 10; t /= 10 {
		n++
	}
	for ; n < width; n++ {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, int64(x), 10)
}

// ErrChecksum reports a value whose embedded checksum does not match its
// content: corruption somewhere between producer and consumer.
var ErrChecksum = errors.New("value checksum mismatch")

// CheckValue verifies the checksum embedded in v, without knowing who
// produced it.
func CheckValue(v []byte) error {
	if len(v) < checksumHeaderLen || string(v[:len(checksumPrefix)]) != checksumPrefix {
		return fmt.Errorf("%w: no checksum header", ErrChecksum)
	}
	// Compare the header's text, not its parsed number, so that any change
	// to it (even upper-casing a hex digit) counts as corruption.
	want := v[len(checksumPrefix) : checksumHeaderLen-2]
	got := appendHex(nil, uint64(crc32.ChecksumIEEE(v[checksumHeaderLen:])), 8)
	if !bytes.Equal(want, got) || string(v[checksumHeaderLen-2:checksumHeaderLen]) != `",` {
		return fmt.Errorf("%w: header %q, content %s", ErrChecksum, want, got)
	}
	return nil
}

// CheckMessage verifies a record as it was produced, without knowing what
// was sent: its key names a message, its value's checksum matches its
// content, and the value names the same producer and sequence number as
// the key (a value under another message's key is corruption too).
func CheckMessage(key, value []byte) (producer, seq int, err error) {
	if producer, seq, err = ParseKey(key); err != nil {
		return 0, 0, err
	}
	if err := CheckValue(value); err != nil {
		return producer, seq, err
	}
	identity := appendIdentity(nil, producer, seq)
	rest := value[checksumHeaderLen:]
	if !bytes.HasPrefix(rest, identity) || len(rest) == len(identity) || rest[len(identity)] != ',' {
		return producer, seq, fmt.Errorf("value of key %s names another message: %.40q", key, rest)
	}
	return producer, seq, nil
}
