package sarama

import (
	"errors"
	"fmt"
)

// BatchDecompressionError is a record batch (message format v2) that passed
// its CRC check but whose records could not be decompressed: the payload is
// malformed (for zstd, the error wraps ErrMalformedZstdFrame) or inflates
// past MaxDecompressedBatchSize (it wraps ErrDecompressedBatchTooLarge).
// Fetching the batch again gives the same bytes, so the same error.
//
// Decoding a fetch response keeps the batches before such a batch and
// records the error in the partition's FetchResponseBlock.DecompressionErr,
// instead of failing the whole response. A partition consumer then sends it
// to Errors(), wrapped in a ConsumerError, and goes on from the offset after
// the batch, as it does past a message over Consumer.Fetch.Max.
type BatchDecompressionError struct {
	FirstOffset int64
	LastOffset  int64
	Codec       CompressionCodec
	Err         error
}

func (e *BatchDecompressionError) Error() string {
	return fmt.Sprintf("kafka: cannot decompress the %s record batch of offsets %d to %d: %v",
		e.Codec, e.FirstOffset, e.LastOffset, e.Err)
}

func (e *BatchDecompressionError) Unwrap() error { return e.Err }

// batchDecompressionError wraps an error of decompressing b's records; nil
// stays nil. RecordBatch.decode calls it on what decompress returned, after
// the CRC check and before decoding the records.
func batchDecompressionError(b *RecordBatch, err error) error {
	if err == nil {
		return nil
	}
	return &BatchDecompressionError{FirstOffset: b.FirstOffset, LastOffset: b.LastOffset(), Codec: b.Codec, Err: err}
}

// keepDecompressionError records a batch that could not be decompressed and
// reports whether err was one; FetchResponseBlock.decode then stops reading
// the block, keeping the batches before it.
func (b *FetchResponseBlock) keepDecompressionError(err error) bool {
	var bad *BatchDecompressionError
	if !errors.As(err, &bad) {
		return false
	}
	b.DecompressionErr = bad
	return true
}

// skipUndecompressibleBatch reports the batch the block stopped at and moves
// the consumer past it, when no record came before it in the block: records
// before it are delivered first, and the next fetch starts at the batch.
// Fetching it again would fail again. (Upstream failed the whole fetch
// response instead: every partition fetched from that broker got the
// error and fetched the same batch again, with no end.)
func (child *partitionConsumer) skipUndecompressibleBatch(block *FetchResponseBlock, records int) bool {
	bad := block.DecompressionErr
	if bad == nil || records > 0 {
		return false
	}
	next := max(child.offset, bad.LastOffset+1)
	child.sendError(fmt.Errorf("%w; the consumer skips to offset %d", bad, next))
	child.offset = next
	return true
}
