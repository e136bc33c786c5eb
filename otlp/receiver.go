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

	"google.golang.org/grpc"
	"google.golang.org/grpc/encoding"
	_ "google.golang.org/grpc/encoding/gzip" // accept and send gzip-compressed gRPC messages
	grpcproto "google.golang.org/grpc/encoding/proto"

	"github.com/rsigma-connect/rsigma-connect/server"
)

// Paths served on the API mux.
const (
	LogsPath       = "/v1/logs"
	GRPCExportPath = "/opentelemetry.proto.collector.logs.v1.LogsService/Export"
)

// ErrSinkClosed is what a Sink returns once the evaluation stream no longer
// takes events (daemon shutting down). Receivers answer 503 / UNAVAILABLE.
var ErrSinkClosed = errors.New("event channel closed")

// Sink takes the events of an export request, each a JSON object, one at a
// time in request order, as the receiver decodes them. It owns hold, the
// share of the ingest budget that pays for the event, and releases it once
// the event no longer needs memory: when the event leaves the input queue,
// or at once when it is not queued. It blocks while the input queue is
// full; an error refuses the rest of the request (events handed over
// before it stay handed over).
type Sink func(ctx context.Context, event []byte, hold *server.Hold) error

// Mux is the API multiplexer the receiver registers on.
type Mux interface {
	HandleFunc(pattern string, handler func(http.ResponseWriter, *http.Request))
}

// ReceiverConfig is what a Receiver feeds, counts into and is bounded by.
type ReceiverConfig struct {
	Sink    Sink
	Metrics *Metrics
	Log     *slog.Logger         // nil: slog.Default()
	Budget  *server.IngestBudget // what requests may hold together; nil: unbounded
}

// Receiver serves OTLP logs. It is safe for concurrent use.
type Receiver struct {
	sink    Sink
	metrics *Metrics
	log     *slog.Logger
	budget  *server.IngestBudget
	grpc    *grpc.Server
}

// NewReceiver builds a receiver.
func NewReceiver(c ReceiverConfig) *Receiver {
	if c.Log == nil {
		c.Log = slog.Default()
	}
	r := &Receiver{sink: c.Sink, metrics: c.Metrics, log: c.Log, budget: c.Budget}
	r.grpc = grpc.NewServer(
		grpc.ForceServerCodecV2(exportCodec{CodecV2: encoding.GetCodecV2(grpcproto.Name)}),
		grpc.MaxRecvMsgSize(MaxGRPCMessageBytes), // bounds the message as sent and once inflated
	)
	r.grpc.RegisterService(&logsServiceDesc, r)
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

// delivery starts the delivery of one request's records.
func (r *Receiver) delivery(ctx context.Context, claim *server.Claim) *delivery {
	return &delivery{ctx: ctx, sink: r.sink, claim: claim, metrics: r.metrics}
}
