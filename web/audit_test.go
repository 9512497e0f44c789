package web

import (
	"bytes"
	"testing"

	"github.com/mopscert/mopscert/bank"
)

// TestAuditPage: an item whose key gives itself away shows on the audit
// page with a link, and cannot be activated; the guesser table lists the
// tiers.
func TestAuditPage(t *testing.T) {
	ts := newTestServer(t)
	cand := ts.candidate(t, "c@example.com")
	item := map[string]any{
		"domain": "concepts", "tiers": []string{"foundation"}, "topic": "routing", "type": "single",
		"stem": "A campaign manager asks for a change to the lead routing rules. What should the operations team do?",
		"options": []map[string]any{{"text": "Always apply it yourself"}, {"text": "Never change routing rules"},
			{"text": "Apply every request immediately"},
			{"text": "Agree the change with sales, test it in a sandbox, then document it and name an owner", "correct": true}},
		"rationale": "Routing changes need agreement, testing and documentation.", "source": "audit test",
	}
	var it bank.Item
	r := ts.call(t, "POST", "/api/v1/admin/items", ts.admin, item)
	r.decode(t, &it)
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}

	t.Run("Listed", func(t *testing.T) {
		p := ts.call(t, "GET", "/admin/audit", ts.admin, nil)
		if p.status != 200 {
			t.Fatalf("audit page: %d", p.status)
		}
		for _, want := range []string{`href="/admin/items/` + it.ID + `"`, "key_giveaway", `<th scope="row">foundation</th>`, `<th scope="col">Guesser score</th>`} {
			if !bytes.Contains(p.body, []byte(want)) {
				t.Errorf("audit page lacks %s", want)
			}
		}
		if p := ts.call(t, "GET", "/admin/items", ts.admin, nil); !bytes.Contains(p.body, []byte(`href="/admin/audit"`)) {
			t.Error("the bank page does not link to the audit")
		}
	})
	t.Run("OneTier", func(t *testing.T) {
		p := ts.call(t, "GET", "/admin/audit?tier=leader", ts.admin, nil)
		if p.status != 200 || bytes.Contains(p.body, []byte(it.ID)) || bytes.Contains(p.body, []byte(`<th scope="row">foundation</th>`)) {
			t.Errorf("leader audit: %d, shows foundation items or rows", p.status)
		}
	})
	t.Run("ErrUnknownTier", func(t *testing.T) {
		if p := ts.call(t, "GET", "/admin/audit?tier=nope", ts.admin, nil); p.status != 404 {
			t.Errorf("unknown tier: %d", p.status)
		}
	})
	t.Run("ErrCandidate", func(t *testing.T) {
		if p := ts.call(t, "GET", "/admin/audit", cand, nil); p.status == 200 {
			t.Error("a candidate sees the audit")
		}
	})
	t.Run("ActivationBlocked", func(t *testing.T) {
		for _, to := range []string{"review", "active"} {
			r := ts.call(t, "POST", "/api/v1/admin/items/"+it.ID+"/status", ts.admin, map[string]string{"status": to})
			if to == "review" && r.status != 200 {
				t.Fatalf("to review: %d %s", r.status, r.body)
			}
			if to == "active" && (r.status != 409 || r.code() != "lint_errors" || !bytes.Contains(r.body, []byte("absolute"))) {
				t.Errorf("activation: %d %s", r.status, r.body)
			}
		}
	})
}

func TestSyllabusAPI(t *testing.T) {
	ts := newTestServer(t)
	var s struct {
		Tier  string
		Areas []struct {
			Code, Domain string
			Weight       int
			Competencies []struct{ Code string }
		}
	}
	r := ts.call(t, "GET", "/api/v1/tiers/leader/syllabus", "", nil)
	r.decode(t, &s)
	if r.status != 200 || s.Tier != "leader" || len(s.Areas) == 0 {
		t.Fatalf("syllabus: %d %s", r.status, r.body)
	}
	sum := 0
	for _, a := range s.Areas {
		sum += a.Weight
		if len(a.Competencies) == 0 {
			t.Errorf("area %s without competencies", a.Code)
		}
	}
	if sum != 100 {
		t.Errorf("weights add up to %d", sum)
	}
	if r := ts.call(t, "GET", "/api/v1/tiers/nope/syllabus", "", nil); r.status != 404 || r.code() != "tier_not_found" {
		t.Errorf("unknown tier: %d %s", r.status, r.body)
	}
}
