package otlp

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"

	"github.com/rsigma-connect/rsigma-connect/server"
)

// MaxGRPCMessageBytes bounds an OTLP/gRPC request message, as sent and once
// inflated (grpc-go's default, now explicit).
const MaxGRPCMessageBytes = 4 << 20

// grpcPrefixBytes is the length prefix of a gRPC message: a compressed
// flag and a big-endian uint32 length.
const grpcPrefixBytes = 5

// ServeGRPC serves OTLP/gRPC on the shared HTTP/2 listener (h2 over TLS or
// h2c prior knowledge). Requests that are not gRPC over HTTP/2 get 415.
//
// Before gRPC reads the request it looks at the message's length prefix and
// claims from the ingest budget the bytes gRPC is about to hold: the message
// as sent, plus MaxGRPCMessageBytes to inflate it when it is compressed
// (trimmed to its real size once inflated). A spent budget is
// RESOURCE_EXHAUSTED with RetryInfo (exporters retry), a request that cannot
// fit RESOURCE_EXHAUSTED without; gRPC then reads nothing more.
func (r *Receiver) ServeGRPC(w http.ResponseWriter, req *http.Request) {
	if req.ProtoMajor != 2 || !strings.HasPrefix(req.Header.Get("Content-Type"), "application/grpc") {
		writeError(w, http.StatusUnsupportedMediaType, "OTLP/gRPC requires HTTP/2 with content-type application/grpc")
		return
	}
	call := &grpcCall{claim: r.budget.Claim(server.IngestOTLPGRPC)}
	defer call.claim.Release()
	var prefix [grpcPrefixBytes]byte
	n, err := io.ReadFull(req.Body, prefix[:])
	body := io.MultiReader(bytes.NewReader(prefix[:n]), req.Body)
	if err == nil {
		length := int64(binary.BigEndian.Uint32(prefix[1:]))
		if length > MaxGRPCMessageBytes { // gRPC refuses it from the prefix alone
			call.claim.Refuse(server.ReasonTooLarge)
		} else {
			call.held = length
			if prefix[0]&1 == 1 {
				call.held += MaxGRPCMessageBytes
			}
			if call.refusal = call.claim.Grow(call.held); call.refusal != nil {
				body = bytes.NewReader(nil)
			} else {
				body = io.LimitReader(body, grpcPrefixBytes+length) // one message, as unary calls have
			}
		}
	}
	req = req.WithContext(context.WithValue(req.Context(), grpcCallKey{}, call))
	req.Body = struct {
		io.Reader
		io.Closer
	}{body, req.Body}
	r.grpc.ServeHTTP(w, req)
}

// grpcCall is what ServeGRPC hands the Export handler through the context.
type grpcCall struct {
	claim   *server.Claim
	held    int64 // claimed for the message before gRPC read it
	refusal error // the claim failed: refuse without reading
}

type grpcCallKey struct{}

// logsServiceDesc is opentelemetry.proto.collector.logs.v1.LogsService with
// an Export handler that takes the request as wire bytes (exportCodec) and
// decodes it one record at a time, like POST /v1/logs.
var logsServiceDesc = grpc.ServiceDesc{
	ServiceName: "opentelemetry.proto.collector.logs.v1.LogsService",
	HandlerType: (*any)(nil),
	Methods: []grpc.MethodDesc{{
		MethodName: "Export",
		Handler: func(srv any, ctx context.Context, dec func(any) error, _ grpc.UnaryServerInterceptor) (any, error) {
			return srv.(*Receiver).export(ctx, dec)
		},
	}},
	Metadata: "opentelemetry/proto/collector/logs/v1/logs_service.proto",
}

// export serves one Export call: counts the request, queues its records
// and answers an empty response. A closed stream is UNAVAILABLE so that
// exporters retry; an undecodable message INVALID_ARGUMENT.
func (r *Receiver) export(ctx context.Context, dec func(any) error) (*collogspb.ExportLogsServiceResponse, error) {
	call, _ := ctx.Value(grpcCallKey{}).(*grpcCall)
	if call == nil {
		call = &grpcCall{}
	}
	if call.refusal != nil {
		r.log.Debug("OTLP/gRPC export refused", "error", call.refusal.Error())
		return nil, grpcRefusal(call.refusal)
	}
	var msg exportMessage
	if err := dec(&msg); err != nil {
		return nil, err
	}
	defer msg.data.Free()
	call.claim.Shrink(call.held - int64(msg.data.Len())) // inflated: the real size is known now
	err := streamProtobuf(msg.data.Reader(), r.delivery(ctx, call.claim))
	if err != nil {
		r.log.Debug("OTLP/gRPC export refused", "error", err.Error())
		var (
			dErr *decodeError
			sErr *deliveryError
		)
		switch {
		case errors.As(err, &dErr):
			r.metrics.rejected("grpc", ReasonDecode)
		case errors.As(err, &sErr):
			r.metrics.rejected("grpc", ReasonChannelClosed)
		}
		return nil, grpcRefusal(err)
	}
	r.metrics.decoded("grpc", "protobuf")
	return &collogspb.ExportLogsServiceResponse{}, nil
}

// grpcRefusal is the status of a refused Export.
func grpcRefusal(err error) error {
	var (
		dErr *decodeError
		sErr *deliveryError
	)
	switch {
	case errors.Is(err, server.ErrIngestBusy):
		st, detailErr := status.New(codes.ResourceExhausted, err.Error()).
			WithDetails(&errdetails.RetryInfo{RetryDelay: durationpb.New(time.Second)})
		if detailErr != nil {
			return status.Error(codes.Unavailable, err.Error())
		}
		return st.Err()
	case errors.Is(err, server.ErrIngestTooLarge):
		return status.Error(codes.ResourceExhausted, err.Error())
	case errors.As(err, &dErr):
		return status.Error(codes.InvalidArgument, err.Error())
	case errors.As(err, &sErr):
		return status.Error(codes.Unavailable, sinkErrorMessage(err))
	}
	return status.Error(codes.Internal, err.Error())
}

// exportMessage is an Export request kept as its wire bytes.
type exportMessage struct{ data mem.BufferSlice }

// exportCodec is the server's gRPC codec: it keeps an Export request's
// bytes for the stream decoder (taking a reference, freed by export) and
// encodes responses with the proto codec.
type exportCodec struct{ encoding.CodecV2 }

func (c exportCodec) Unmarshal(data mem.BufferSlice, v any) error {
	if m, ok := v.(*exportMessage); ok {
		data.Ref()
		m.data = data
		return nil
	}
	return c.CodecV2.Unmarshal(data, v)
}
