// Package otlp receives OpenTelemetry logs over OTLP/HTTP (POST /v1/logs,
// protobuf or JSON, optionally gzip) and OTLP/gRPC (LogsService/Export) on the
// API listener, turns every log record into a flat JSON event and hands the
// events to the daemon's evaluation stream.
package otlp

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	"google.golang.org/grpc"
	_ "google.golang.org/grpc/encoding/gzip" // accept and send gzip-compressed gRPC messages
)

// Paths served on the API mux.
const (
	LogsPath       = "/v1/logs"
	GRPCExportPath = "/opentelemetry.proto.collector.logs.v1.LogsService/Export"
)

// ErrSinkClosed is what a Sink returns once the evaluation stream no longer
// takes events (daemon shutting down). Receivers answer 503 / UNAVAILABLE.
var ErrSinkClosed = errors.New("event channel closed")

// Sink hands the events of one export request, each a JSON object, to the
// evaluation stream. It blocks while the input queue is full and returns only
// once every event is queued; any error means the request is refused.
type Sink func(ctx context.Context, events [][]byte) error

// Mux is the API multiplexer the receiver registers on.
type Mux interface {
	HandleFunc(pattern string, handler func(http.ResponseWriter, *http.Request))
}

// Receiver serves OTLP logs. It is safe for concurrent use.
type Receiver struct {
	sink    Sink
	metrics *Metrics
	log     *slog.Logger
	grpc    *grpc.Server
}

// NewReceiver builds a receiver that feeds sink and counts into metrics. A nil
// logger means slog.Default().
func NewReceiver(sink Sink, metrics *Metrics, log *slog.Logger) *Receiver {
	if log == nil {
		log = slog.Default()
	}
	r := &Receiver{sink: sink, metrics: metrics, log: log,
		grpc: grpc.NewServer(grpc.ForceServerCodecV2(newCountingCodec(metrics)))}
	collogspb.RegisterLogsServiceServer(r.grpc, logsService{r: r})
	return r
}

// Register mounts POST /v1/logs and the gRPC Export method on mux.
func (r *Receiver) Register(mux Mux) {
	mux.HandleFunc(LogsPath, r.ServeLogs)
	mux.HandleFunc(GRPCExportPath, r.ServeGRPC)
}

// Close stops the gRPC service; in-flight HTTP requests are the HTTP
// server's to drain.
func (r *Receiver) Close() { r.grpc.Stop() }

// deliver flattens the request's records and hands them to the sink.
func (r *Receiver) deliver(ctx context.Context, req *collogspb.ExportLogsServiceRequest) error {
	events := Flatten(req)
	if len(events) == 0 {
		return nil
	}
	return r.sink(ctx, events)
}
