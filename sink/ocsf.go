package sink

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/redpanda-data/benthos/v4/public/service"
)

// OCSFProcessorName is the name of the processor of a `?format=ocsf` sink.
const OCSFProcessorName = "sigma_ocsf"

// OCSFVersion is the OCSF schema version findings declare.
const OCSFVersion = "1.3.0"

// RegisterOCSF registers the sigma_ocsf processor on env.
func RegisterOCSF(env *service.Environment) error {
	return env.RegisterProcessor(OCSFProcessorName, service.NewConfigSpec().
		Beta().
		Summary("Turns a result into an OCSF Detection Finding (class 2004), the `?format=ocsf` form of a sink (docs/output.md).").
		// No fields: an empty object, so that `list --format cue` can express
		// the spec (one without any field has no type and panics it).
		Field(service.NewObjectField("").Default(map[string]any{})),
		func(*service.ParsedConfig, *service.Resources) (service.Processor, error) {
			return ocsfProcessor{now: time.Now}, nil
		})
}

type ocsfProcessor struct{ now func() time.Time }

// Process replaces m's result JSON with its finding; a message that is not
// a result fails (it cannot be a finding).
func (p ocsfProcessor) Process(_ context.Context, m *service.Message) (service.MessageBatch, error) {
	raw, err := m.AsBytes()
	if err != nil {
		return nil, err
	}
	finding, err := OCSFFinding(raw, p.now())
	if err != nil {
		return nil, err
	}
	m.SetBytes(finding)
	return service.MessageBatch{m}, nil
}

func (ocsfProcessor) Close(context.Context) error { return nil }

// nativeResult is what a finding reads of a result (output.md §3-4).
type nativeResult struct {
	RuleTitle       string  `json:"rule_title"`
	RuleID          *string `json:"rule_id"`
	Level           *string `json:"level"`
	Tags            []string
	CorrelationType string  `json:"correlation_type"`
	AggregatedValue float64 `json:"aggregated_value"`
	MatchedFields   []struct {
		Field string          `json:"field"`
		Value json.RawMessage `json:"value"`
	} `json:"matched_fields"`
}

// ocsfSeverity maps a level to severity_id and severity.
var ocsfSeverity = map[string]struct {
	id   int
	name string
}{
	"informational": {1, "Informational"}, "low": {2, "Low"}, "medium": {3, "Medium"},
	"high": {4, "High"}, "critical": {5, "Critical"},
}

// OCSFFinding returns the OCSF 1.3 Detection Finding of one result: class
// 2004, activity Create, severity from the level, the rule as the
// finding's analytic, matched fields as observables, and the result itself
// under unmapped.rsigma (nothing of it is lost).
func OCSFFinding(result []byte, now time.Time) ([]byte, error) {
	var r nativeResult
	if err := json.Unmarshal(result, &r); err != nil {
		return nil, fmt.Errorf("ocsf: not a result: %w", err)
	}
	sev := struct {
		id   int
		name string
	}{0, "Unknown"}
	if r.Level != nil {
		if s, ok := ocsfSeverity[strings.ToLower(*r.Level)]; ok {
			sev = s
		}
	}
	kind := "Sigma detection"
	if r.CorrelationType != "" {
		kind = "Sigma correlation: " + r.CorrelationType
	}
	type analytic struct {
		UID    string `json:"uid,omitempty"`
		Name   string `json:"name"`
		TypeID int    `json:"type_id"`
		Type   string `json:"type"`
	}
	type observable struct {
		Name   string `json:"name"`
		TypeID int    `json:"type_id"`
		Type   string `json:"type"`
		Value  string `json:"value"`
	}
	f := struct {
		ClassUID     int    `json:"class_uid"`
		ClassName    string `json:"class_name"`
		CategoryUID  int    `json:"category_uid"`
		CategoryName string `json:"category_name"`
		ActivityID   int    `json:"activity_id"`
		ActivityName string `json:"activity_name"`
		TypeUID      int    `json:"type_uid"`
		TypeName     string `json:"type_name"`
		Time         int64  `json:"time"`
		SeverityID   int    `json:"severity_id"`
		Severity     string `json:"severity"`
		StatusID     int    `json:"status_id"`
		Status       string `json:"status"`
		Message      string `json:"message"`
		Metadata     struct {
			Version string `json:"version"`
			Product struct {
				Name       string `json:"name"`
				VendorName string `json:"vendor_name"`
				Version    string `json:"version"`
			} `json:"product"`
		} `json:"metadata"`
		FindingInfo struct {
			UID      string   `json:"uid"`
			Title    string   `json:"title"`
			Types    []string `json:"types"`
			Analytic analytic `json:"analytic"`
		} `json:"finding_info"`
		Count       *float64        `json:"count,omitempty"`
		Observables []observable    `json:"observables,omitempty"`
		Unmapped    json.RawMessage `json:"unmapped"`
	}{ClassUID: 2004, ClassName: "Detection Finding", CategoryUID: 2, CategoryName: "Findings",
		ActivityID: 1, ActivityName: "Create", TypeUID: 200401, TypeName: "Detection Finding: Create",
		Time: now.UnixMilli(), SeverityID: sev.id, Severity: sev.name, StatusID: 1, Status: "New", Message: r.RuleTitle}
	f.Metadata.Version = OCSFVersion
	f.Metadata.Product.Name, f.Metadata.Product.VendorName, f.Metadata.Product.Version = "rsigma-connect", "rsigma-connect", moduleVersion()
	f.FindingInfo.UID = newUUID()
	f.FindingInfo.Title = r.RuleTitle
	f.FindingInfo.Types = []string{kind}
	f.FindingInfo.Analytic = analytic{Name: r.RuleTitle, TypeID: 1, Type: "Rule"}
	if r.RuleID != nil {
		f.FindingInfo.Analytic.UID = *r.RuleID
	}
	if r.CorrelationType != "" {
		f.Count = &r.AggregatedValue
	}
	for _, mf := range r.MatchedFields {
		value := string(mf.Value)
		var s string
		if json.Unmarshal(mf.Value, &s) == nil {
			value = s
		}
		f.Observables = append(f.Observables, observable{Name: mf.Field, TypeID: 0, Type: "Unknown", Value: value})
	}
	f.Unmapped = append(append([]byte(`{"rsigma":`), bytes.TrimSpace(result)...), '}')
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(f); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
