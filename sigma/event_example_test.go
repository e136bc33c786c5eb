package sigma_test

import (
	"fmt"

	"github.com/rsigma-connect/rsigma-connect/sigma"
)

// A JSONEvent is bound to a field table (normally Engine.Fields()) and
// reused for every document one goroutine evaluates.
func ExampleJSONEvent() {
	table := sigma.NewFieldTable()
	image := table.Intern("Image")
	ip := table.Intern("conns.ip")
	ev := sigma.NewJSONEvent(table)

	doc := `{"Image":"C:\\Windows\\CMD.exe","conns":[{"ip":"10.0.0.1"},{"ip":"10.0.0.2"}],"EventID":4624.0}`
	if err := ev.Reset([]byte(doc)); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ev.Field(image).Str, ev.Field(image).Fold)
	fmt.Println(len(ev.Field(ip).Items), "addresses")
	fmt.Println(ev.Field(sigma.NewField("EventID")).Str) // not in the table: slower lookup
	fmt.Println(string(sigma.AppendValueJSON(nil, ev.Field(ip))))

	fmt.Println(ev.Reset([]byte(`{"Image": }`)))
	// Output:
	// C:\Windows\CMD.exe c:\windows\cmd.exe
	// 2 addresses
	// 4624
	// ["10.0.0.1","10.0.0.2"]
	// invalid JSON at byte 10: unexpected '}', expected a JSON value
}
