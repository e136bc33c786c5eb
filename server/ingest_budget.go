package server

import (
	"errors"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
)

// DefaultIngestBudgetBytes is the memory that all ingest requests together
// (POST /api/v1/events, OTLP/HTTP, OTLP/gRPC) and the lines they queued may
// hold at once. It admits the largest single request the per-request caps
// allow (a 2 MiB gzip body inflating to a 32 MiB log record, decoded and
// flattened: about 66 MiB) with room to spare for smaller ones.
const DefaultIngestBudgetBytes = 96 << 20

// Sentinel errors of Claim.Grow: what the request is answered.
var (
	// ErrIngestBusy means the budget is spent by other requests and queued
	// lines for now: answer 429 (gRPC RESOURCE_EXHAUSTED with RetryInfo) and
	// let the client retry.
	ErrIngestBusy = errors.New("ingest memory budget spent, retry later")
	// ErrIngestTooLarge means the request needs more than the whole budget
	// (or a per-request cap): answer 413; retrying cannot help.
	ErrIngestTooLarge = errors.New("request needs more memory than the ingest budget allows")
)

// Label values of rsigma_ingest_rejected_total.
const (
	IngestEvents   = "events"    // transport: POST /api/v1/events
	IngestOTLPHTTP = "otlp_http" // transport: POST /v1/logs
	IngestOTLPGRPC = "otlp_grpc" // transport: LogsService/Export

	ReasonBudget   = "budget"    // 429: the budget is spent for now
	ReasonTooLarge = "too_large" // 413: over a per-request cap or the whole budget
)

// IngestBudget bounds the bytes that ingest requests hold, from the body
// as read through inflated and decoded data to the events they queued, so
// that concurrent requests cannot exhaust memory (issue 14). It is a byte
// semaphore that never waits: a request that cannot grow its Claim is
// refused at once and releases what it held, so requests never wait on
// each other and cannot deadlock. Bytes handed to the input queue (Hold)
// return when the engine takes the line. Safe for concurrent use.
type IngestBudget struct {
	capacity int64
	used     atomic.Int64
	rejected *prometheus.CounterVec
	held     prometheus.GaugeFunc
}

// NewIngestBudget returns a budget of capacity bytes (at least 1).
func NewIngestBudget(capacity int64) *IngestBudget {
	b := &IngestBudget{capacity: max(capacity, 1)}
	b.rejected = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "rsigma_ingest_rejected_total",
		Help: "Ingest requests refused for memory: reason budget (429, retry) or too_large (413).",
	}, []string{"transport", "reason"})
	b.held = prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "rsigma_ingest_held_bytes",
		Help: "Bytes of the ingest budget held by requests in progress and the lines they queued.",
	}, func() float64 { return float64(b.used.Load()) })
	return b
}

// Capacity is the budget's size in bytes.
func (b *IngestBudget) Capacity() int64 { return b.capacity }

// Held is the number of bytes currently held.
func (b *IngestBudget) Held() int64 { return b.used.Load() }

// Collectors lists the budget's metric families for registration.
func (b *IngestBudget) Collectors() []prometheus.Collector {
	return []prometheus.Collector{b.rejected, b.held}
}

// Claim opens the claim of one request arriving on transport (a label
// value of rsigma_ingest_rejected_total). The request must Release it when
// it ends. A nil budget gives a nil claim, which admits everything.
func (b *IngestBudget) Claim(transport string) *Claim {
	if b == nil {
		return nil
	}
	return &Claim{budget: b, transport: transport}
}

func (b *IngestBudget) tryAcquire(n int64) bool {
	for {
		used := b.used.Load()
		if used+n > b.capacity {
			return false
		}
		if b.used.CompareAndSwap(used, used+n) {
			return true
		}
	}
}

func (b *IngestBudget) release(n int64) {
	if n > 0 {
		b.used.Add(-n)
	}
}

// Claim is the part of the budget one request holds. It is used by the
// request's goroutine only; the Holds it hands out may be released from
// anywhere.
type Claim struct {
	budget    *IngestBudget
	transport string
	held      int64
	refused   bool
}

// Grow adds n bytes to the claim before the request allocates them. It
// returns ErrIngestTooLarge when the claim would exceed the whole budget
// and ErrIngestBusy when the budget lacks n bytes now; either way the
// request must be refused, and the refusal is counted once per claim.
func (c *Claim) Grow(n int64) error {
	if c == nil || n <= 0 {
		return nil
	}
	if c.held+n > c.budget.capacity {
		c.Refuse(ReasonTooLarge)
		return ErrIngestTooLarge
	}
	if !c.budget.tryAcquire(n) {
		c.Refuse(ReasonBudget)
		return ErrIngestBusy
	}
	c.held += n
	return nil
}

// Shrink returns n bytes the request no longer holds (at most what it
// holds; n <= 0 does nothing).
func (c *Claim) Shrink(n int64) {
	if c == nil || n <= 0 {
		return
	}
	n = min(n, c.held)
	c.held -= n
	c.budget.release(n)
}

// Refuse counts the request in rsigma_ingest_rejected_total with reason
// (ReasonBudget or ReasonTooLarge), once per claim: a handler calls it for
// size limits of its own (body caps, line caps); Grow calls it itself.
func (c *Claim) Refuse(reason string) {
	if c == nil || c.refused {
		return
	}
	c.refused = true
	c.budget.rejected.WithLabelValues(c.transport, reason).Inc()
}

// Hold moves n of the claim's bytes (at most what it holds) into a Hold
// owned by the caller: the memory of data that outlives the request, such
// as queued lines.
func (c *Claim) Hold(n int64) *Hold {
	if c == nil {
		return nil
	}
	n = min(n, c.held)
	c.held -= n
	h := &Hold{budget: c.budget, n: n}
	h.owners.Store(1)
	return h
}

// Release returns everything the claim still holds; Holds stay held.
func (c *Claim) Release() { c.Shrink(c.heldBytes()) }

func (c *Claim) heldBytes() int64 {
	if c == nil {
		return 0
	}
	return c.held
}

// Hold is budget bytes shared by the owners of some data (the lines queued
// from one request body, or one queued event). Every owner calls Release
// exactly once; the bytes return to the budget with the last one. A nil
// Hold holds nothing.
type Hold struct {
	budget *IngestBudget
	n      int64
	owners atomic.Int32
}

// Share adds an owner and returns h, for handing to a new owner.
func (h *Hold) Share() *Hold {
	if h != nil {
		h.owners.Add(1)
	}
	return h
}

// Release drops one owner.
func (h *Hold) Release() {
	if h != nil && h.owners.Add(-1) == 0 {
		h.budget.release(h.n)
	}
}
