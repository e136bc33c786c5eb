package format_test

import (
	"fmt"

	"github.com/rsigma-connect/rsigma-connect/format"
)

// A jq filter turns one envelope line into one event per record.
func ExampleDecoder_Decode() {
	dec, err := format.New(format.Options{Format: format.JSON, JQ: ".records[]"})
	if err != nil {
		panic(err)
	}
	_ = dec.Decode([]byte(`{"records":[{"CommandLine":"whoami"},{"CommandLine":"dir"}]}`), func(ev format.Decoded) error {
		fmt.Println(ev.Kind, string(ev.AppendEventJSON(nil)))
		return nil
	})
	// Output:
	// json {"CommandLine":"whoami"}
	// json {"CommandLine":"dir"}
}

// Syslog header fields become flat key/value pairs.
func ExampleDecoder_Decode_syslog() {
	dec, _ := format.New(format.Options{Format: format.Syslog})
	_ = dec.Decode([]byte(`<165>1 2024-01-15T10:30:00.000Z web01 myapp 1234 ID47 - Connection established`), func(ev format.Decoded) error {
		for i, k := range ev.Keys {
			fmt.Printf("%s=%s\n", k, ev.Values[i])
		}
		return nil
	})
	// Output:
	// timestamp=2024-01-15T10:30:00+00:00
	// hostname=web01
	// appname=myapp
	// procid=1234
	// msgid=ID47
	// facility=LOG_LOCAL4
	// severity=SEV_NOTICE
	// _raw=Connection established
}
