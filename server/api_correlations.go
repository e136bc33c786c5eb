package server

import (
	"encoding/base64"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// CorrelationInfo is one loaded correlation rule in GET
// /api/v1/correlations (http-api.md §5).
type CorrelationInfo struct {
	Index        int      `json:"index"`
	ID           string   `json:"id,omitempty"`
	Name         string   `json:"name,omitempty"`
	Title        string   `json:"title"`
	Type         string   `json:"type"`
	TimespanSecs int64    `json:"timespan_secs"`
	GroupBy      []string `json:"group_by"`
	RuleRefs     []string `json:"rule_refs"`
	Threshold    string   `json:"threshold"`
	ActiveGroups int      `json:"active_groups"`
}

// GroupKeyPart is one `{"field","value"}` element of a group key.
type GroupKeyPart struct {
	Field string `json:"field"`
	Value string `json:"value"`
}

// CorrelationGroup is the live window of one (correlation, group) in GET
// /api/v1/correlations/state. Times are event times in Unix seconds
// (fractional when not whole); durations in seconds of event time,
// measured from the correlation engine's clock (the newest event time it
// has seen).
type CorrelationGroup struct {
	CorrelationIndex int            `json:"correlation_index"`
	CorrelationID    string         `json:"correlation_id,omitempty"`
	CorrelationName  string         `json:"correlation_name,omitempty"`
	CorrelationTitle string         `json:"correlation_title"`
	Type             string         `json:"type"`
	GroupKey         []GroupKeyPart `json:"group_key"`
	GroupKeyDisplay  string         `json:"group_key_display"`
	Got              *float64       `json:"got,omitempty"`
	Threshold        string         `json:"threshold"`
	Met              bool           `json:"met"`
	Entries          int            `json:"entries"`
	Earliest         *float64       `json:"earliest,omitempty"`
	Latest           *float64       `json:"latest,omitempty"`
	LastEvent        float64        `json:"last_event"`
	WindowStart      float64        `json:"window_start"`
	WindowEnd        float64        `json:"window_end"`
	TimespanSecs     int64          `json:"timespan_secs"`
	SecondsToEvict   float64        `json:"seconds_to_eviction"`
	LastAlert        *float64       `json:"last_alert,omitempty"`
	SuppressSecs     *float64       `json:"suppress_secs,omitempty"`
	SuppressionLeft  *float64       `json:"suppression_remaining,omitempty"`
}

// GroupKeyDisplay renders a group key as "User=admin, Host=x".
func GroupKeyDisplay(key []GroupKeyPart) string {
	parts := make([]string, len(key))
	for i, p := range key {
		parts[i] = p.Field + "=" + p.Value
	}
	return strings.Join(parts, ", ")
}

// CorrelationQuery selects the state GET /api/v1/correlations/state shows:
// ID matches a correlation's id, name or title exactly; Group is a
// substring of group_key_display. Empty means any.
type CorrelationQuery struct{ ID, Group string }

// Correlations reads the live correlation state; both funcs must be safe
// for concurrent calls.
type Correlations struct {
	List  func() []CorrelationInfo
	State func(q CorrelationQuery) ([]CorrelationInfo, []CorrelationGroup)
}

// Page sizes of the state listing.
const (
	DefaultGroupsPage = 100
	MaxGroupsPage     = 1000
)

// HandleCorrelations registers GET /api/v1/correlations and GET
// /api/v1/correlations/state (?id=, ?group=, ?limit=, ?cursor=). Groups
// come sorted by correlation index, then group_key_display; a page holds at
// most limit of them, and next_cursor, when present, asks for the next.
// The cursor names the last group shown, so pages neither repeat nor skip
// groups that live on while the state changes between requests.
func HandleCorrelations(m *Mux, c Correlations) {
	m.HandleFunc("/api/v1/correlations", func(w http.ResponseWriter, r *http.Request) {
		if allowMethods(w, r, http.MethodGet) {
			return
		}
		list := nonNil(c.List())
		writeAPIJSON(w, http.StatusOK, map[string]any{"correlations": list, "count": len(list)})
	})
	m.HandleFunc("/api/v1/correlations/state", func(w http.ResponseWriter, r *http.Request) {
		if allowMethods(w, r, http.MethodGet) {
			return
		}
		q := r.URL.Query()
		limit, after, err := pageParams(q.Get("limit"), q.Get("cursor"))
		if err != "" {
			writeAPIJSON(w, http.StatusBadRequest, map[string]string{"error": err})
			return
		}
		corrs, groups := c.State(CorrelationQuery{ID: q.Get("id"), Group: q.Get("group")})
		sort.Slice(groups, func(i, j int) bool { return groupBefore(groups[i], groups[j]) })
		total := len(groups)
		start := 0
		if after != nil {
			start = sort.Search(len(groups), func(i int) bool { return groupBefore(*after, groups[i]) })
		}
		page := groups[start:min(start+limit, len(groups))]
		body := map[string]any{"correlations": nonNil(corrs), "groups": nonNil(page), "count": len(page), "total": total}
		if start+len(page) < len(groups) {
			body["next_cursor"] = encodeCursor(page[len(page)-1])
		}
		writeAPIJSON(w, http.StatusOK, body)
	})
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// groupBefore orders groups by correlation index, then display key.
func groupBefore(a, b CorrelationGroup) bool {
	if a.CorrelationIndex != b.CorrelationIndex {
		return a.CorrelationIndex < b.CorrelationIndex
	}
	return a.GroupKeyDisplay < b.GroupKeyDisplay
}

// pageParams reads limit and cursor; the error is the 400 message.
func pageParams(limitText, cursor string) (int, *CorrelationGroup, string) {
	limit := DefaultGroupsPage
	if limitText != "" {
		n, err := strconv.Atoi(limitText)
		if err != nil || n < 1 || n > MaxGroupsPage {
			return 0, nil, "limit must be an integer from 1 to " + strconv.Itoa(MaxGroupsPage)
		}
		limit = n
	}
	if cursor == "" {
		return limit, nil, ""
	}
	after, ok := decodeCursor(cursor)
	if !ok {
		return 0, nil, "invalid cursor (use next_cursor of the previous page)"
	}
	return limit, after, ""
}

// encodeCursor names group g: "<index>:<display>" in URL-safe base64.
func encodeCursor(g CorrelationGroup) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(g.CorrelationIndex) + ":" + g.GroupKeyDisplay))
}

func decodeCursor(s string) (*CorrelationGroup, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, false
	}
	index, display, ok := strings.Cut(string(raw), ":")
	n, err := strconv.Atoi(index)
	if !ok || err != nil || n < 0 {
		return nil, false
	}
	return &CorrelationGroup{CorrelationIndex: n, GroupKeyDisplay: display}, true
}
