package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/mopscert/mopscert/bank"
	"github.com/mopscert/mopscert/exam"
	"github.com/mopscert/mopscert/exam/cert"
)

func init() {
	extraErrorCases = append(extraErrorCases, adminErrors)
	// Every tier of the shipped bank has active items; only a tier with
	// none could be studied without any.
	unreachedCodes["study_no_items"] = "a tier without active items"
}

// adminErrors drives the services into the field messages administrators
// read: accommodations, regrades, challenges, revocation and the
// certificate list.
func adminErrors(t *testing.T, ts *testServer) map[string]error {
	ctx := context.Background()
	out := map[string]error{}
	long := strings.Repeat("x", 2001)
	out["accommodation: multiplier, note"] = ts.exams.GrantAccommodation(ctx, "u_x", 9, long, "admin")

	regrade := func(name string, r exam.RegradeRequest) {
		_, out["regrade: "+name] = ts.exams.Regrade(ctx, r, "admin")
	}
	regrade("nothing", exam.RegradeRequest{Action: "redo"})
	regrade("void with key", exam.RegradeRequest{ItemID: "x", Action: exam.RegradeVoid, Correct: []int{1}, Reason: "r"})
	regrade("rekey without key", exam.RegradeRequest{ItemID: "x", Action: exam.RegradeRekey, Reason: "r"})
	item := variantItem("rg-item", false)
	item["status"] = "active"
	if r := ts.call(t, "POST", "/api/v1/admin/items", ts.admin, item); r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	regrade("option out of range", exam.RegradeRequest{ItemID: "rg-item", Action: exam.RegradeRekey, Correct: []int{9}, Reason: "r"})
	regrade("same key", exam.RegradeRequest{ItemID: "rg-item", Action: exam.RegradeRekey, Correct: []int{0}, Reason: "r"})

	_, out["challenge: long comment"] = ts.exams.SaveComment(ctx, "u_x", "a_x", "q1", long)
	_, out["challenge: status"] = ts.exams.Challenges(ctx, exam.ChallengeFilter{Status: "pending"})
	_, out["challenge: decision, response"] = ts.exams.DecideChallenge(ctx, "ch_x", "maybe", "", "admin")

	_, out["revoke: no reason"] = ts.certs.Revoke(ctx, "MOPS-0000-0000-0000", " ", "admin")
	_, out["revoke: public reason, note"] = ts.certs.RevokeWith(ctx, "MOPS-0000-0000-0000", cert.Revocation{PublicReason: "bored", Note: long}, "admin")
	_, _, out["certificates: status"] = ts.certs.List(ctx, cert.Filter{Status: "lost"})

	// Standard-setting studies: the panel needs administrators' ids.
	p2 := ts.secondAdmin(t, "panel2@example.com")
	var ids []string
	for _, tok := range []string{ts.admin, p2} {
		var me struct{ ID string }
		ts.call(t, "GET", "/api/v1/me", tok, nil).decode(t, &me)
		ids = append(ids, me.ID)
	}
	study := func(name string, req exam.StudyCreate) *exam.Study {
		req.Tier, req.Title, req.MCCDefinition = "foundation", "Foundation", "Has run one campaign."
		st, err := ts.exams.CreateStudy(ctx, req, "admin")
		out["study: "+name] = err
		return st
	}
	_, out["study: empty"] = ts.exams.CreateStudy(ctx, exam.StudyCreate{Tier: "foundation", Title: long}, "admin")
	study("candidate on the panel", exam.StudyCreate{Panelists: []string{ids[0], "u_nobody"}})
	study("unknown version", exam.StudyCreate{Panelists: ids, Items: []bank.Ref{{ID: "rg-item", Version: 9}}})
	study("item twice", exam.StudyCreate{Panelists: ids, Items: []bank.Ref{{ID: "rg-item", Version: 1}, {ID: "rg-item", Version: 1}}})
	st := study("good", exam.StudyCreate{Panelists: ids, Items: []bank.Ref{{ID: "rg-item", Version: 1}}})
	delete(out, "study: good")
	if st == nil {
		t.Fatal("no study made")
	}
	out["rating: not in study"] = ts.exams.Rate(ctx, st.ID, ids[0], map[string]float64{"no-such-item": 50})
	out["rating: range"] = ts.exams.Rate(ctx, st.ID, ids[0], map[string]float64{"rg-item": 101})
	return out
}
