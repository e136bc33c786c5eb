package sink_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/sink"
)

const (
	detectionResult   = `{"rule_title":"Whoami Execution","rule_id":"6b3f0c2e","level":"medium","tags":["attack.discovery"],"matched_selections":["selection"],"matched_fields":[{"field":"CommandLine","value":"whoami /priv"}],"event":{"pid":4242,"ratio":0.5,"gone":null}}`
	correlationResult = `{"rule_title":"Repeated Logins","rule_id":null,"level":"critical","tags":[],"correlation_type":"event_count","group_key":[["User","admin"]],"aggregated_value":3.0,"timespan_secs":300}`
)

// Each result becomes one record: body the title, severity from the
// level, every top-level key an attribute with its type kept, resource
// service.name=rsigma and scope rsigma (output.md §8); over gRPC and HTTP.
func TestOTLPSinkSendsOneRecordPerResult(t *testing.T) {
	for _, protocol := range []string{"grpc", "http"} {
		t.Run(protocol, func(t *testing.T) {
			r := startFlakyReceiver(t, 0, false)
			out, err := sink.NewOTLPOutput(sink.OTLPConfig{Endpoint: r.addr, Protocol: protocol, Compression: "gzip", Timeout: 10 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			defer out.Close(context.Background())
			batch := service.MessageBatch{service.NewMessage([]byte(detectionResult)), service.NewMessage([]byte(correlationResult))}
			if err := out.WriteBatch(context.Background(), batch); err != nil {
				t.Fatal(err)
			}
			got := r.received()
			if len(got) != 2 {
				t.Fatalf("received %d events: %q", len(got), got)
			}
			for _, want := range []string{`"severity_number":13,"severity_text":"WARN","body":"Whoami Execution"`,
				`"rule_title":"Whoami Execution","rule_id":"6b3f0c2e","level":"medium","tags":["attack.discovery"]`,
				`"matched_fields":[{"field":"CommandLine","value":"whoami /priv"}]`,
				`"event":{"gone":null,"pid":4242,"ratio":0.5}`, // key/value lists come sorted by key
				`"resource.service.name":"rsigma","scope.name":"rsigma"`} {
				if !strings.Contains(got[0], want) {
					t.Errorf("detection record %s\nlacks %s", got[0], want)
				}
			}
			for _, want := range []string{`"severity_number":21,"severity_text":"FATAL","body":"Repeated Logins"`,
				`"rule_id":null`, `"group_key":[["User","admin"]],"aggregated_value":3,"timespan_secs":300`} {
				if !strings.Contains(got[1], want) {
					t.Errorf("correlation record %s\nlacks %s", got[1], want)
				}
			}
		})
	}
}

func TestOTLPSinkFailsWhenTheReceiverIsUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there any more
	for _, protocol := range []string{"grpc", "http"} {
		out, err := sink.NewOTLPOutput(sink.OTLPConfig{Endpoint: addr, Protocol: protocol, Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		if err := out.WriteBatch(context.Background(), service.MessageBatch{service.NewMessage([]byte(detectionResult))}); err == nil {
			t.Errorf("%s: export to a closed port succeeded", protocol)
		}
		out.Close(context.Background())
	}
}

func TestOTLPSinkTLSFilesAreCheckedAtOnce(t *testing.T) {
	for _, c := range []sink.OTLPConfig{
		{Endpoint: "127.0.0.1:1", TLS: true, CAFile: "/no/such/ca.pem"},
		{Endpoint: "127.0.0.1:1", TLS: true, CertFile: "/no/such/cert.pem"},
	} {
		if _, err := sink.NewOTLPOutput(c); err == nil {
			t.Errorf("%+v: accepted", c)
		}
	}
}
