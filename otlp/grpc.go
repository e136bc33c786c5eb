package otlp

import (
	"context"
	"net/http"
	"strings"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/encoding"
	grpcproto "google.golang.org/grpc/encoding/proto"
	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/status"
)

// ServeGRPC serves OTLP/gRPC on the shared HTTP/2 listener (h2 over TLS or
// h2c prior knowledge). Requests that are not gRPC over HTTP/2 get 415.
func (r *Receiver) ServeGRPC(w http.ResponseWriter, req *http.Request) {
	if req.ProtoMajor != 2 || !strings.HasPrefix(req.Header.Get("Content-Type"), "application/grpc") {
		writeError(w, http.StatusUnsupportedMediaType, "OTLP/gRPC requires HTTP/2 with content-type application/grpc")
		return
	}
	r.grpc.ServeHTTP(w, req)
}

// countingCodec is the gRPC proto codec, counting messages that fail to
// decode in rsigma_otlp_errors_total{transport="grpc",reason="decode"}.
type countingCodec struct {
	encoding.CodecV2
	metrics *Metrics
}

func newCountingCodec(m *Metrics) countingCodec {
	return countingCodec{CodecV2: encoding.GetCodecV2(grpcproto.Name), metrics: m}
}

func (c countingCodec) Unmarshal(data mem.BufferSlice, v any) error {
	if err := c.CodecV2.Unmarshal(data, v); err != nil {
		c.metrics.rejected("grpc", ReasonDecode)
		return err
	}
	return nil
}

// logsService implements opentelemetry.proto.collector.logs.v1.LogsService.
type logsService struct {
	collogspb.UnimplementedLogsServiceServer
	r *Receiver
}

// Export counts the request, queues its records and answers an empty
// response; a closed stream is UNAVAILABLE so exporters retry.
func (s logsService) Export(ctx context.Context, req *collogspb.ExportLogsServiceRequest) (*collogspb.ExportLogsServiceResponse, error) {
	s.r.metrics.accepted("grpc", "protobuf", RecordCount(req))
	if err := s.r.deliver(ctx, req); err != nil {
		s.r.metrics.rejected("grpc", ReasonChannelClosed)
		s.r.log.Debug("OTLP/gRPC export refused", "error", err.Error())
		return nil, status.Error(codes.Unavailable, sinkErrorMessage(err))
	}
	return &collogspb.ExportLogsServiceResponse{}, nil
}
