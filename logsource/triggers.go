package logsource

import "github.com/rsigma-connect/rsigma-connect/sigma"

// Triggers: every source of recognition needs one field to be present
// before it can reveal anything: a declared or builtin shape its first
// condition's field (a condition never holds on a missing field), the
// Windows tables a channel field, ECS host.os.type or event.category, the
// event's tags product, service or category. An event whose single-pass
// extraction has none of these fields is unrecognized without reading any
// (most application JSON, the README samples), so recognition costs one
// scan of the fields the event has.

func (r *Recognizer) compileTriggers() {
	fields := []*sigma.Field{
		r.explicit.product, r.explicit.service, r.explicit.category,
		r.windows.evtxChannel, r.windows.winlogChannel, r.windows.channel,
		r.ecs.osType, r.ecs.category,
	}
	for _, g := range r.shapes {
		fields = append(fields, g.field)
	}
	for _, m := range r.declared {
		if len(m.when) == 0 { // matches every event: no event can be ruled out
			return
		}
		fields = append(fields, m.when[0].field)
	}
	r.triggers = sigma.NewFieldSet(fields)
}
