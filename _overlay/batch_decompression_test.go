//go:build !functional

package sarama

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// badZstdBatch is a v2 record batch at offset whose CRC is right and whose
// zstd payload declares 4 GiB in an 18-byte frame.
func badZstdBatch(offset int64) *RecordBatch {
	frame := append(zstdTestHeader(4<<30, 10), zstdTestBlock(zstdTestRLE, 1, true, 'x')...)
	return &RecordBatch{
		Version: 2, FirstOffset: offset, Codec: CompressionZSTD,
		Records:           []*Record{{Value: []byte("never read")}},
		compressedRecords: frame,
	}
}

// zstdBatch is a valid v2 zstd record batch of one record per value,
// starting at offset.
func zstdBatch(offset int64, values ...[]byte) *RecordBatch {
	b := &RecordBatch{Version: 2, FirstOffset: offset, Codec: CompressionZSTD, CompressionLevel: CompressionLevelDefault,
		LastOffsetDelta: int32(len(values) - 1)}
	for i, v := range values {
		b.Records = append(b.Records, &Record{OffsetDelta: int64(i), Value: v})
	}
	return b
}

func TestFetchResponseKeepsTheBatchesBeforeOneThatCannotBeDecompressed(t *testing.T) {
	for _, version := range []int16{4, 11, 12} {
		res := &FetchResponse{Version: version}
		block := res.getOrCreateBlock("t", 0)
		block.HighWaterMarkOffset = 4
		for _, b := range []*RecordBatch{zstdBatch(0, []byte("a"), []byte("b")), badZstdBatch(2), zstdBatch(3, []byte("d"))} {
			records := newDefaultRecords(b)
			block.RecordsSet = append(block.RecordsSet, &records)
		}
		raw, err := encode(res, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := &FetchResponse{}
		if err := versionedDecode(raw, got, version, nil); err != nil {
			t.Fatalf("version %d: the response failed: %v", version, err)
		}
		gb := got.GetBlock("t", 0)
		if n, _ := gb.numRecords(); n != 2 || len(gb.RecordsSet) != 1 {
			t.Errorf("version %d: %d records in %d batches, want the 2 of the first batch", version, n, len(gb.RecordsSet))
		}
		bad := gb.DecompressionErr
		if bad == nil || bad.FirstOffset != 2 || bad.LastOffset != 2 || bad.Codec != CompressionZSTD || !errors.Is(bad, ErrMalformedZstdFrame) {
			t.Fatalf("version %d: DecompressionErr = %v", version, bad)
		}
		if msg := bad.Error(); !strings.Contains(msg, "zstd record batch of offsets 2 to 2") || !strings.Contains(msg, "declares 4294967296 bytes") {
			t.Errorf("version %d: %q", version, msg)
		}
	}
}

// batchFetcher answers fetch requests with the batches of each partition
// from the one holding the fetch offset on; batches builds them afresh
// for every response.
type batchFetcher struct {
	batches func(partition int32) []*RecordBatch
}

func (f batchFetcher) For(reqBody versionedDecoder) encoderWithHeader {
	req := reqBody.(*FetchRequest)
	res := &FetchResponse{Version: req.Version}
	for topic, partitions := range req.blocks {
		for partition, fetch := range partitions {
			block := res.getOrCreateBlock(topic, partition)
			for _, b := range f.batches(partition) {
				block.HighWaterMarkOffset = b.LastOffset() + 1
				if b.LastOffset() >= fetch.fetchOffset {
					records := newDefaultRecords(b)
					block.RecordsSet = append(block.RecordsSet, &records)
				}
			}
		}
	}
	return res
}

// A batch that cannot be decompressed is reported once on its partition and
// skipped; the records around it, and the other partition fetched from the
// same broker, are delivered.
func TestConsumerSkipsABatchThatCannotBeDecompressed(t *testing.T) {
	for _, tc := range []struct {
		name  string
		bound int32
		bad   func(offset int64) *RecordBatch
		want  error
	}{
		{"malformed zstd frame", 0, badZstdBatch, ErrMalformedZstdFrame},
		{"over MaxDecompressedBatchSize", 64 << 10, func(offset int64) *RecordBatch {
			return zstdBatch(offset, make([]byte, 128<<10))
		}, ErrDecompressedBatchTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			withMaxDecompressedBatchSize(t, tc.bound)
			broker := NewMockBroker(t, 0)
			defer broker.Close()
			broker.SetHandlerByMap(map[string]MockResponse{
				"MetadataRequest": NewMockMetadataResponse(t).
					SetBroker(broker.Addr(), broker.BrokerID()).
					SetLeader("t", 0, broker.BrokerID()).
					SetLeader("t", 1, broker.BrokerID()),
				"OffsetRequest": NewMockOffsetResponse(t).
					SetOffset("t", 0, OffsetOldest, 0).SetOffset("t", 0, OffsetNewest, 4).
					SetOffset("t", 1, OffsetOldest, 0).SetOffset("t", 1, OffsetNewest, 4),
				"FetchRequest": batchFetcher{func(partition int32) []*RecordBatch {
					if partition == 0 {
						return []*RecordBatch{zstdBatch(0, []byte("p0-0")), tc.bad(1), zstdBatch(2, []byte("p0-2"), []byte("p0-3"))}
					}
					return []*RecordBatch{zstdBatch(0, []byte("p1-0"), []byte("p1-1")), zstdBatch(2, []byte("p1-2"), []byte("p1-3"))}
				}},
			})
			config := NewTestConfig()
			config.Version = V2_1_0_0
			config.Consumer.Return.Errors = true
			master, err := NewConsumer([]string{broker.Addr()}, config)
			if err != nil {
				t.Fatal(err)
			}
			defer safeClose(t, master)

			want := map[int32][]string{0: {"p0-0", "p0-2", "p0-3"}, 1: {"p1-0", "p1-1", "p1-2", "p1-3"}}
			var errs []*ConsumerError
			for partition, values := range want {
				pc, err := master.ConsumePartition("t", partition, OffsetOldest)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				timeout := time.After(30 * time.Second)
				for len(got) < len(values) {
					select {
					case m := <-pc.Messages():
						got = append(got, string(m.Value))
					case e := <-pc.Errors():
						errs = append(errs, e)
					case <-timeout:
						t.Fatalf("partition %d: %q and errors %v so far, want %q", partition, got, errs, values)
					}
				}
				if strings.Join(got, ",") != strings.Join(values, ",") {
					t.Errorf("partition %d: %q, want %q", partition, got, values)
				}
				pc.AsyncClose()
				for e := range pc.Errors() {
					errs = append(errs, e)
				}
			}
			if len(errs) != 1 {
				t.Fatalf("errors %v, want one", errs)
			}
			var bad *BatchDecompressionError
			if e := errs[0]; e.Partition != 0 || !errors.As(e, &bad) || !errors.Is(e, tc.want) || bad.FirstOffset != 1 || bad.LastOffset != 1 {
				t.Errorf("error %v on partition %d, want %v at offset 1 of partition 0", e, e.Partition, tc.want)
			}
			if msg := errs[0].Error(); !strings.Contains(msg, "skips to offset 2") {
				t.Errorf("the error does not say where consuming goes on: %q", msg)
			}
		})
	}
}
