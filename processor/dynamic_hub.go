package processor

import (
	"context"

	"github.com/redpanda-data/benthos/v4/public/service"

	"github.com/rsigma-connect/rsigma-connect/source"
)

// SetDynamic hands d (opened by the daemon before the stream, so that its
// configuration errors exit 3) to every processor the stream builds.
func (h *Hub) SetDynamic(d *Dynamic) {
	h.mu.Lock()
	h.dynamic = d
	h.mu.Unlock()
}

func (h *Hub) dynamicFor() *Dynamic {
	if h == nil {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.dynamic
}

// attachDynamic takes the hub's Dynamic or, when the processor runs
// without a daemon and its settings need one, opens its own and keeps its
// sources refreshed until Close. It binds the source and enrichment metrics
// to this stream.
func (p *Processor) attachDynamic(hub *Hub, res *service.Resources) error {
	d := hub.dynamicFor()
	if d == nil && p.settings.Dynamic.needsDynamic() {
		ctx, cancel := context.WithCancel(context.Background())
		var err error
		if d, err = OpenDynamic(ctx, p.settings.Dynamic, nil); err != nil {
			cancel()
			return err
		}
		go d.Run(ctx)
		p.stopDyn = cancel
	}
	p.dyn = d
	if d != nil {
		d.obs.attach(newDynamicMetrics(res.Metrics(), p.metrics), d.currentEnrichers())
	}
	return nil
}

func (p *Processor) stopDynamic() {
	if p.stopDyn != nil {
		p.stopDyn()
		p.stopDyn = nil
	}
}

// Sources returns the dynamic source resolver the stream uses, or nil
// without --source (for the /api/v1/sources endpoints and status).
func (h *Hub) Sources() *source.Resolver {
	if d := h.dynamicInUse(); d != nil {
		return d.Sources
	}
	return nil
}
