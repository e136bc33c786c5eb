package otlp

import (
	"strings"
	"testing"
)

func TestHexIDsToBase64(t *testing.T) {
	for _, tc := range []struct {
		name, in, want, wantErr string
	}{
		{name: "camel_and_snake_keys_with_spaces",
			in:   `{"traceId" : "5b8efff798038103d269b633813fc60c","span_id":"eee19b7ec3c1b174"}`,
			want: `{"traceId" : "W47/95gDgQPSabYzgT/GDA==","span_id":"7uGbfsPBsXQ="}`},
		{name: "ids_inside_string_values_stay",
			in:   `{"body":{"stringValue":"{\"traceId\":\"zz\"}"},"spanId":"eee19b7ec3c1b174"}`,
			want: `{"body":{"stringValue":"{\"traceId\":\"zz\"}"},"spanId":"7uGbfsPBsXQ="}`},
		{name: "id_as_a_value_stays", in: `{"key":"traceId","value":{"stringValue":"x_id\""}}`,
			want: `{"key":"traceId","value":{"stringValue":"x_id\""}}`},
		{name: "empty_id_stays_empty", in: `{"traceId":""}`, want: `{"traceId":""}`},
		{name: "non_hex_id_is_an_error", in: `{"spanId":"xyz1"}`, wantErr: `logRecord spanId "xyz1" is not hex`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := hexIDsToBase64([]byte(tc.in))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || string(got) != tc.want {
				t.Fatalf("got %s, %v\nwant %s", got, err, tc.want)
			}
		})
	}
}
