package otlp

import (
	"bytes"
	"encoding/binary"
	"io"
	"net/http"
	"testing"
)

// TestGRPCUndecodableMessageIsCounted sends a hand-made gRPC frame whose
// payload is not an ExportLogsServiceRequest over h2c.
func TestGRPCUndecodableMessageIsCounted(t *testing.T) {
	f := startReceiver(t, nil)
	payload := []byte{0xff, 0xff, 0xff}
	frame := make([]byte, 5, 5+len(payload))
	binary.BigEndian.PutUint32(frame[1:], uint32(len(payload)))
	frame = append(frame, payload...)

	var protocols http.Protocols
	protocols.SetUnencryptedHTTP2(true)
	client := &http.Client{Transport: &http.Transport{Protocols: &protocols}}
	req, _ := http.NewRequest(http.MethodPost, "http://"+f.addr+GRPCExportPath, bytes.NewReader(frame))
	req.Header.Set("Content-Type", "application/grpc")
	req.Header.Set("TE", "trailers")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if status := resp.Trailer.Get("Grpc-Status"); status != "3" {
		t.Fatalf("grpc-status %q, want 3 (INVALID_ARGUMENT)", status)
	}
	if v := f.errors("grpc", ReasonDecode); v != 1 {
		t.Fatalf("rsigma_otlp_errors_total{grpc,decode} = %v, want 1", v)
	}
	if f.records() != 0 || len(f.sink.snapshot()) != 0 {
		t.Fatal("an undecodable request produced records")
	}
}

func TestGRPCPathOverHTTP1Is415(t *testing.T) {
	f := startReceiver(t, nil)
	resp, err := http.Post("http://"+f.addr+GRPCExportPath, "application/grpc", bytes.NewReader(nil))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Fatalf("status %d, want 415", resp.StatusCode)
	}
}
