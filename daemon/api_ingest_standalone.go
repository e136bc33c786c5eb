package daemon

import (
	"context"
	"errors"
	"fmt"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/server"
)

// registerStandaloneHTTPEvents registers sigma_http_events for a stream run
// without the daemon (`rsigma-connect run` of a printed `--input http`
// config): each input serves POST /api/v1/events, /healthz and /readyz on a
// listener of its own at `address`, with the daemon's handler, limits and
// ingest memory budget.
func registerStandaloneHTTPEvents(env *service.Environment) error {
	return env.RegisterBatchInput(httpEventsInput, httpEventsSpec(),
		func(conf *service.ParsedConfig, res *service.Resources) (service.BatchInput, error) {
			n, err := conf.FieldInt(fieldEventsBatchSize)
			if err != nil {
				return nil, err
			}
			addr, err := conf.FieldString(fieldEventsAddress)
			if err != nil {
				return nil, err
			}
			if addr == "" {
				return nil, errors.New("address: required outside engine daemon (the listener of POST /api/v1/events)")
			}
			size, err := conf.FieldInt(fieldEventsBufferSize)
			if err != nil {
				return nil, err
			}
			iq := newIngestQueue(size)
			iq.bindMetrics(res)
			return &standaloneEvents{queueInput: queueInput{q: iq.LineQueue, batch: max(n, 1)}, addr: addr, log: res.Logger()}, nil
		})
}

// standaloneEvents is a queueInput that serves its own endpoint.
type standaloneEvents struct {
	queueInput
	addr string
	log  *service.Logger
	api  *server.Server
}

// Connect binds the listener (once) and starts serving.
func (s *standaloneEvents) Connect(context.Context) error {
	if s.api != nil {
		return nil
	}
	ln, err := server.Listen(s.addr)
	if err != nil {
		return fmt.Errorf("sigma_http_events: %w", err)
	}
	mux := server.NewMux()
	mux.HandleFunc("/api/v1/events", server.EventsHandler(s.q, server.NewIngestBudget(server.DefaultIngestBudgetBytes)))
	server.HandleHealth(mux, func() bool { return true })
	s.api = server.New(ln, mux, server.Options{})
	s.log.With("addr", ln.Addr().String()).Infof("sigma_http_events listening")
	go func() {
		if err := s.api.Serve(); err != nil {
			s.log.Errorf("sigma_http_events: serving %s: %v", s.addr, err)
		}
	}()
	return nil
}

// Close stops the listener and refuses further ingest.
func (s *standaloneEvents) Close(ctx context.Context) error {
	if s.api != nil {
		_ = s.api.Shutdown(ctx)
	}
	return s.queueInput.Close(ctx)
}
