package nats_test

import (
	"fmt"

	"github.com/rsigma-connect/rsigma-connect/nats"
)

// A daemon URL names the server and the subject; the stream and durable
// names derive from the subject.
func ExampleParseURL() {
	loc, err := nats.ParseURL("nats://127.0.0.1:4222/events.>")
	if err != nil {
		panic(err)
	}
	fmt.Println(loc.Server, loc.Subject)
	fmt.Println(nats.StreamName(loc.Subject), nats.DurableName(loc.Subject, ""))
	fmt.Println(nats.SubjectMatches(loc.Subject, "events.detections"))
	// Output:
	// nats://127.0.0.1:4222 events.>
	// rsigma-events rsigma-daemon-events
	// true
}
