package engine

import (
	"context"

	"github.com/rsigma-connect/rsigma-connect/source"
)

// SetDynamic hands d (opened by the daemon before the stream, so that its
// configuration errors exit 3) to every evaluator built from now on.
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

// attachDynamic takes the hub's Dynamic or, when the evaluator runs
// without a daemon and its settings need one, opens its own and keeps its
// sources refreshed until Close. It binds the source and enrichment metrics
// to reg.
func (e *Evaluator) attachDynamic(hub *Hub, reg Metrics) error {
	d := hub.dynamicFor()
	if d == nil && e.settings.Dynamic.needsDynamic() {
		ctx, cancel := context.WithCancel(context.Background())
		var err error
		if d, err = OpenDynamic(ctx, e.settings.Dynamic, nil); err != nil {
			cancel()
			return err
		}
		go d.Run(ctx)
		e.stopDyn = cancel
	}
	e.dyn = d
	if d != nil {
		if reg == nil {
			reg = discard{}
		}
		d.obs.attach(newDynamicMetrics(reg, e.metrics), d.currentEnrichers())
	}
	return nil
}

func (e *Evaluator) stopDynamic() {
	if e.stopDyn != nil {
		e.stopDyn()
		e.stopDyn = nil
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
