package fleet

import (
	"errors"
	"reflect"
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
	data, err := b.Encode()
	if err != nil {
		t.Fatal(err)
	}
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
	for _, c := range []struct{ data, want string }{
		{`{"v":2,"partition":1,"contributions":[]}`, "v: version 2"},
		{`{"v":1,"partition":-1,"contributions":[]}`, "partition: -1 out of range"},
		{`{"v":1,"partition":1,"contributions":[{"rule":"r","type":"event_sum","key":""}]}`, `contributions[0].type: unknown correlation type "event_sum"`},
		{`not json`, "invalid character"},
	} {
		_, err := DecodeBatch([]byte(c.data))
		if !errors.Is(err, ErrBatch) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want ErrBatch naming %q", c.data, err, c.want)
		}
	}
}
