package web

import (
	"net/url"
	"strings"
	"testing"
)

// A study over HTTP: set up, rated by three admins on their own forms,
// approved; the tier API then names the study as the pass mark's source.
func TestStandardSettingAPIAndPages(t *testing.T) {
	ts := newTestServer(t)
	p2, p3 := ts.secondAdmin(t, "p2@example.com"), ts.secondAdmin(t, "p3@example.com")
	ids := map[string]string{}
	for tok, email := range map[string]string{ts.admin: "admin@example.com", p2: "p2@example.com", p3: "p3@example.com"} {
		var me struct{ ID string }
		ts.call(t, "GET", "/api/v1/me", tok, nil).decode(t, &me)
		ids[email] = me.ID
	}
	r := ts.call(t, "POST", "/api/v1/admin/standards", ts.admin, map[string]any{"tier": "foundation", "title": "Foundation 2026",
		"mcc_definition": "Knows the vocabulary; has run one campaign with help.",
		"items":          []map[string]any{{"id": "x-missing", "version": 1}},
		"panelists":      []string{ids["admin@example.com"], ids["p2@example.com"], ids["p3@example.com"]}})
	if r.status != 422 {
		t.Fatalf("study of an unknown item: %d %s", r.status, r.body)
	}
	r = ts.call(t, "POST", "/api/v1/admin/standards", ts.admin, map[string]any{"tier": "foundation", "title": "Foundation 2026",
		"mcc_definition": "Knows the vocabulary; has run one campaign with help.",
		"panelists":      []string{ids["admin@example.com"], ids["p2@example.com"], ids["p3@example.com"]}})
	if r.status != 201 {
		t.Fatalf("create study: %d %s", r.status, r.body)
	}
	var st struct {
		ID    string
		Items []struct{ ID string }
	}
	r.decode(t, &st)
	// Each panelist rates every item the same: cuts 60, 70, 80 → 70.
	for tok, v := range map[string]float64{ts.admin: 60, p2: 70, p3: 80} {
		m := map[string]float64{}
		for _, it := range st.Items {
			m[it.ID] = v
		}
		if r := ts.call(t, "PUT", "/api/v1/admin/standards/"+st.ID+"/ratings", tok, map[string]any{"ratings": m}); r.status != 200 {
			t.Fatalf("rate: %d %s", r.status, r.body)
		}
	}
	var sum struct {
		Cut, SE  float64
		PassMark int `json:"pass_mark"`
	}
	ts.call(t, "GET", "/api/v1/admin/standards/"+st.ID+"/summary", ts.admin, nil).decode(t, &sum)
	if sum.Cut != 70 || sum.SE != 5.77 || sum.PassMark != 70 {
		t.Fatalf("summary = %+v", sum)
	}
	b := ts.browser(t)
	b.signIn("p2@example.com", "correct horse battery", "/admin/standards")
	page := b.get("/admin/standards/" + st.ID)
	for _, want := range []string{`<svg`, `<title id="spread-1-t">`, "<desc", "Recommended cut: <strong>70.00 %</strong>", `name="r_` + st.Items[0].ID + `"`} {
		if !strings.Contains(string(page.body), want) {
			t.Fatalf("study page lacks %q:\n%s", want, page.body)
		}
	}
	if r := b.post("/admin/standards/"+st.ID+"/ratings", url.Values{"r_" + st.Items[0].ID: {"abc"}}); r.status != 422 {
		t.Fatalf("bad rating form: %d", r.status)
	}
	if r := b.post("/admin/standards/"+st.ID+"/rounds", url.Values{}); r.status != 303 {
		t.Fatalf("next round: %d %s", r.status, r.body)
	}
	if r := b.post("/admin/standards/"+st.ID+"/ratings", url.Values{"r_" + st.Items[0].ID: {"75"}}); r.status != 303 {
		t.Fatalf("rate in round 2: %d %s", r.status, r.body)
	}
	if r := ts.call(t, "POST", "/api/v1/admin/standards/"+st.ID+"/approve", ts.admin, nil); r.status != 200 {
		t.Fatalf("approve: %d %s", r.status, r.body)
	}
	var tiers []struct {
		Code           string
		PassPercent    int `json:"pass_percent"`
		PassMarkSource *struct {
			StudyID    string `json:"study_id"`
			ApprovedBy string `json:"approved_by"`
			Cut        float64
		} `json:"pass_mark_source"`
	}
	ts.call(t, "GET", "/api/v1/tiers", "", nil).decode(t, &tiers)
	if tiers[0].Code != "foundation" || tiers[0].PassMarkSource == nil || tiers[0].PassMarkSource.StudyID != st.ID ||
		tiers[0].PassMarkSource.ApprovedBy != "admin@example.com" || tiers[0].PassPercent < 70 || tiers[0].PassPercent > 71 {
		t.Fatalf("tier after approval: %+v %+v", tiers[0], tiers[0].PassMarkSource)
	}
	if page := b.get("/admin/tiers"); !strings.Contains(string(page.body), "/admin/standards/"+st.ID) {
		t.Fatalf("tier page does not name the study")
	}
}
