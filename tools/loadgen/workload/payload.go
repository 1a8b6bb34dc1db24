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

// Value returns the value of message seq of producer, about size bytes long
// (never shorter than the fixed fields, about 250 bytes). The same arguments
// always give the same bytes.
func Value(producer, seq, size int) []byte {
	r := rand.New(rand.NewPCG(uint64(producer)+1, uint64(seq)*0x9e3779b97f4a7c15+1))
	body := make([]byte, 0, size+64)
	body = fmt.Appendf(body, `"producer":%d,"seq":%d,"ts":%d,"event":%q,`,
		producer, seq, 1_760_000_000_000+int64(seq)*37+int64(r.IntN(1000)), events[r.IntN(len(events))])
	uid := r.IntN(1_000_000)
	body = fmt.Appendf(body, `"user":{"id":%d,"name":"user-%d","country":%q,"plan":%q},`,
		uid, uid, countries[r.IntN(len(countries))], plans[r.IntN(len(plans))])
	body = fmt.Appendf(body, `"session":"%016x","items":[`, r.Uint64())
	// Roughly an eighth of the value is random bytes (base64), the
	// incompressible part; the rest is structured, repetitive text. This
	// gives zstd ratios of about 3-5x on batches (the loadgen measures it).
	blob := make([]byte, max(size/8*3/4, 8))
	for i := range blob {
		blob[i] = byte(r.Uint32())
	}
	for i := 0; len(body) < size-len(blob)*4/3-80; i++ {
		if i > 0 {
			body = append(body, ',')
		}
		body = fmt.Appendf(body, `{"sku":"SKU-%05d","qty":%d,"price":%d.%02d,"review":"%s %s %s"}`,
			r.IntN(20000), 1+r.IntN(4), 1+r.IntN(200), r.IntN(100),
			words[r.IntN(len(words))], words[r.IntN(len(words))], words[r.IntN(len(words))])
	}
	body = append(body, `],"blob":"`...)
	body = base64.StdEncoding.AppendEncode(body, blob)
	body = append(body, `"}`...)

	v := make([]byte, 0, checksumHeaderLen+len(body))
	v = fmt.Appendf(v, "%s%08x\",", checksumPrefix, crc32.ChecksumIEEE(body))
	return append(v, body...)
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
	got := fmt.Appendf(nil, "%08x", crc32.ChecksumIEEE(v[checksumHeaderLen:]))
	if !bytes.Equal(want, got) || string(v[checksumHeaderLen-2:checksumHeaderLen]) != `",` {
		return fmt.Errorf("%w: header %q, content %s", ErrChecksum, want, got)
	}
	return nil
}
