package server

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
)

type stateBody struct {
	Correlations []CorrelationInfo  `json:"correlations"`
	Groups       []CorrelationGroup `json:"groups"`
	Count        int                `json:"count"`
	Total        int                `json:"total"`
	NextCursor   string             `json:"next_cursor"`
}

func TestCorrelationStatePages(t *testing.T) {
	live := map[string]int{} // display → correlation index
	for i := 0; i < 7; i++ {
		live[fmt.Sprintf("User=u%d", i)] = i % 2
	}
	var lastQuery CorrelationQuery
	m := NewMux()
	HandleCorrelations(m, Correlations{
		List: func() []CorrelationInfo { return nil },
		State: func(q CorrelationQuery) ([]CorrelationInfo, []CorrelationGroup) {
			lastQuery = q
			var out []CorrelationGroup
			for display, index := range live {
				out = append(out, CorrelationGroup{CorrelationIndex: index, GroupKeyDisplay: display})
			}
			return []CorrelationInfo{{Title: "Many Logins", GroupBy: []string{}, RuleRefs: []string{}}}, out
		},
	})
	srv := httptest.NewServer(m)
	defer srv.Close()
	get := func(query string) (int, stateBody) {
		status, body := request(t, "GET", srv.URL+"/api/v1/correlations/state?"+query, "")
		var b stateBody
		if status == 200 {
			if err := json.Unmarshal([]byte(body), &b); err != nil {
				t.Fatal(err)
			}
		}
		return status, b
	}

	status, first := get("limit=3&id=Many+Logins&group=u")
	if status != 200 || first.Count != 3 || first.Total != 7 || first.NextCursor == "" {
		t.Fatalf("first page: %d %+v", status, first)
	}
	if lastQuery != (CorrelationQuery{ID: "Many Logins", Group: "u"}) {
		t.Fatalf("query passed on as %+v", lastQuery)
	}
	// Between pages a group already shown goes away and one sorting before
	// the cursor appears: the next pages neither repeat nor skip.
	delete(live, first.Groups[0].GroupKeyDisplay)
	live["User=a-new"] = 0
	var seen []string
	for _, g := range first.Groups {
		seen = append(seen, fmt.Sprint(g.CorrelationIndex, g.GroupKeyDisplay))
	}
	cursor := first.NextCursor
	for cursor != "" {
		status, page := get("limit=3&cursor=" + url.QueryEscape(cursor))
		if status != 200 {
			t.Fatalf("page after %q: %d", cursor, status)
		}
		for _, g := range page.Groups {
			seen = append(seen, fmt.Sprint(g.CorrelationIndex, g.GroupKeyDisplay))
		}
		cursor = page.NextCursor
	}
	want := []string{"0User=u0", "0User=u2", "0User=u4", "0User=u6", "1User=u1", "1User=u3", "1User=u5"}
	if !slices.Equal(seen, want) {
		t.Fatalf("pages gave %q, want %q", seen, want)
	}

	for _, bad := range []string{"limit=0", "limit=1001", "limit=x", "cursor=!!!", "cursor=bm9jb2xvbg"} {
		if status, _ := get(bad); status != 400 {
			t.Errorf("?%s: %d, want 400", bad, status)
		}
	}
}

func TestCorrelationListEmpty(t *testing.T) {
	m := NewMux()
	HandleCorrelations(m, Correlations{
		List:  func() []CorrelationInfo { return nil },
		State: func(CorrelationQuery) ([]CorrelationInfo, []CorrelationGroup) { return nil, nil },
	})
	srv := httptest.NewServer(m)
	defer srv.Close()
	if status, body := request(t, "GET", srv.URL+"/api/v1/correlations", ""); status != 200 || body != `{"correlations":[],"count":0}` {
		t.Fatalf("%d %s", status, body)
	}
	if status, body := request(t, "GET", srv.URL+"/api/v1/correlations/state", ""); status != 200 || body != `{"correlations":[],"count":0,"groups":[],"total":0}` {
		t.Fatalf("%d %s", status, body)
	}
}
