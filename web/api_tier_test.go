package web

import (
	"testing"
	"time"
)

// A tier fetched and sent back unchanged is accepted, from the admin list
// or from the candidate's view (with eligibility); updated_at is the
// optimistic lock, so a copy older than the last change is refused.
func TestTierRoundTrip(t *testing.T) {
	ts := newTestServer(t)
	tok := ts.candidate(t, "rt@example.com")
	var admin []map[string]any
	ts.call(t, "GET", "/api/v1/admin/tiers", ts.admin, nil).decode(t, &admin)
	var mine []map[string]any
	ts.call(t, "GET", "/api/v1/tiers", tok, nil).decode(t, &mine)
	if len(admin) == 0 || len(mine) < 2 {
		t.Fatalf("tiers: admin %v, candidate %v", admin, mine)
	}
	for _, tt := range []struct {
		name string
		body map[string]any
	}{
		{"OKAdminView", admin[0]},
		{"OKCandidateViewWithEligibility", mine[1]},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := ts.call(t, "PUT", "/api/v1/admin/tiers/"+tt.body["code"].(string), ts.admin, tt.body)
			if r.status != 200 {
				t.Fatalf("PUT of GET: %d %s", r.status, r.body)
			}
		})
	}
	t.Run("ErrStaleUpdatedAt", func(t *testing.T) {
		var fresh []map[string]any
		ts.call(t, "GET", "/api/v1/admin/tiers", ts.admin, nil).decode(t, &fresh)
		stale := fresh[0]
		ts.clk.Advance(time.Second)
		changed := map[string]any{"description": "Changed by someone else."}
		if r := ts.call(t, "PUT", "/api/v1/admin/tiers/"+stale["code"].(string), ts.admin, changed); r.status != 200 {
			t.Fatalf("first change: %d %s", r.status, r.body)
		}
		r := ts.call(t, "PUT", "/api/v1/admin/tiers/"+stale["code"].(string), ts.admin, stale)
		if r.status != 409 || r.code() != "tier_conflict" {
			t.Fatalf("stale PUT: %d %s, want 409 tier_conflict", r.status, r.body)
		}
	})
}
