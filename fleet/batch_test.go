package fleet

import (
	"bytes"
	"encoding/binary"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/rsigma-connect/rsigma-connect/correlation"
)

func TestBatchRoundTrip(t *testing.T) {
	b := Batch{Partition: 3, Position: 42, Contributions: []correlation.Contribution{
		{Rule: "brute", Type: correlation.EventCount, GroupBy: []string{"User"}, Key: []byte{1, 3, 'b', 'o', 'b'},
			Pairs: []correlation.GroupPair{{Field: "User", Value: "bob"}}, Time: 1700000000123,
			Stored: correlation.StoredEvent{Time: 1700000000123, Ref: correlation.EventRef{Timestamp: 1700000000, ID: "e1", HasID: true}}, Store: true},
		{Rule: "ordered", Type: correlation.TemporalOrdered, Key: []byte{0}, Time: 5, Refs: []string{"a", "b"}},
		{Rule: "sum", Type: correlation.ValueSum, Key: []byte{}, Time: 6, HasValue: true, Number: 12.5,
			Stored: correlation.StoredEvent{Time: 6, Body: []byte{1, 2, 3}}, Store: true},
	}}
	data := b.Encode(nil)
	back, err := DecodeBatch(data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, b) {
		t.Fatalf("round trip:\n%+v\n%+v", back, b)
	}
	if b.ID() != "42-3" {
		t.Fatalf("id %q", b.ID())
	}
}

func TestDecodeBatchSaysWhatIsWrong(t *testing.T) {
	good := (&Batch{Partition: 1, Position: 9, Contributions: []correlation.Contribution{
		{Rule: "r", Type: correlation.EventCount, Key: []byte{0}, Time: 5}}}).Encode(nil)
	badType := slices.Clone(good)
	badType[bytes.Index(good, []byte("r"))+1] = 42 // the type byte follows the rule name
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"json", []byte(`{"v":1}`), "no batch header"},
		{"version", []byte{batchMagic, 2}, "version 2"},
		{"partition", binary.AppendUvarint([]byte{batchMagic, 1}, MaxPartitions), "partition: 4096 out of range"},
		{"truncated", good[:len(good)-3], "contributions[0].number: truncated"},
		{"type", badType, "contributions[0].type: unknown correlation type 42"},
		{"trailing", append(slices.Clone(good), 0), "1 bytes after the last contribution"},
		{"count", []byte{batchMagic, 1, 1, 9, 200, 1}, "contributions: 200 elements in 0 bytes"},
	} {
		_, err := DecodeBatch(c.data)
		if !errors.Is(err, ErrBatch) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want ErrBatch naming %q", c.name, err, c.want)
		}
	}
	if _, err := DecodeBatch(good); err != nil {
		t.Fatal(err)
	}
}
