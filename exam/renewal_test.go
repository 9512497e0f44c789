package exam

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mopscert/mopscert/exam/cert"
)

const day = 24 * time.Hour

// passTier takes and passes an attempt at tier, returning the attempt and
// its certificate.
func (e *env) passTier(user, tier string) (*Attempt, cert.Credential) {
	e.tb.Helper()
	a := e.start(user, tier)
	e.answerAll(user, a.ID, len(a.Questions))
	res, err := e.svc.Submit(context.Background(), user, a.ID)
	if err != nil {
		e.tb.Fatalf("submit: %v", err)
	}
	if res.Outcome != OutcomePassed || res.Certificate == nil {
		e.tb.Fatalf("outcome %s, certificate %v", res.Outcome, res.Certificate)
	}
	return a, *res.Certificate
}

// suspended reads the credential's bit in its suspension list.
func (e *env) suspended(c cert.Credential) bool {
	e.tb.Helper()
	ctx := context.Background()
	doc, err := e.certs.OpenBadge(ctx, c.ID, "holder@example.com", cert.Achievement{Tier: c.Tier, Name: c.TierName,
		Description: "d", Criteria: "c"})
	if err != nil {
		e.tb.Fatal(err)
	}
	entry := doc["credentialStatus"].([]any)[1].(map[string]any)
	idx, _ := strconv.Atoi(entry["statusListIndex"].(string))
	name := entry["statusListCredential"].(string)
	list, err := e.certs.StatusList(ctx, name[strings.LastIndex(name, "/")+1:])
	if err != nil {
		e.tb.Fatal(err)
	}
	bits, err := cert.DecodeStatusList(list["credentialSubject"].(map[string]any)["encodedList"].(string))
	if err != nil {
		e.tb.Fatal(err)
	}
	return cert.StatusBit(bits, idx)
}

func TestRenewalEndToEnd(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	// mini: 5 questions, 10 minutes, 365 days; default renewal: 60-day window, short, 30 days' grace
	e.fill("mini", 3)
	u := e.addUser("u_renew", "Renée Holder")
	_, first := e.passTier(u, "mini")
	if first.RenewalInfo == nil || !first.RenewalInfo.OpensAt.Equal(first.ExpiresAt.Add(-60*day)) ||
		!first.RenewalInfo.GraceUntil.Equal(first.ExpiresAt.Add(30*day)) {
		t.Fatalf("renewal = %+v for expiry %s", first.RenewalInfo, first.ExpiresAt)
	}

	// Before the window the holder is simply certified.
	_, err := e.svc.Start(ctx, u, "", "mini")
	wantErr(t, err, ErrAlreadyCertified)

	// Inside the window: a short renewal exam, half the blueprint.
	e.clk.Set(first.ExpiresAt.Add(-30 * day))
	a := e.start(u, "mini")
	if got, want := len(a.Questions), 3; got != want { // 2→1, 2→1, 1→1
		t.Errorf("renewal exam has %d questions, want %d", got, want)
	}
	if got := e.count(`SELECT count(*) FROM attempts WHERE id = ? AND renews = ?`, a.ID, first.ID); got != 1 {
		t.Errorf("attempt does not record which credential it renews")
	}
	e.answerAll(u, a.ID, len(a.Questions))
	res, err := e.svc.Submit(ctx, u, a.ID)
	if err != nil || res.Certificate == nil {
		t.Fatalf("submit renewal: %v, %+v", err, res)
	}
	renewed := *res.Certificate
	if !renewed.AwardedAt.Equal(first.AwardedAt) {
		t.Errorf("awardedDate = %s, want the original %s", renewed.AwardedAt, first.AwardedAt)
	}
	if want := first.ExpiresAt.Add(365 * day); !renewed.ExpiresAt.Equal(want) {
		t.Errorf("renewed until %s, want %s (renewing early costs no time)", renewed.ExpiresAt, want)
	}
	v := e.certs.VerifyID(ctx, first.ID)
	if v.Status != cert.StatusSuperseded || v.SupersededBy != renewed.ID {
		t.Errorf("old credential: %s, superseded by %q, want superseded by %s", v.Status, v.SupersededBy, renewed.ID)
	}
	if v := e.certs.VerifyID(ctx, renewed.ID); v.Status != cert.StatusValid {
		t.Errorf("new credential: %s", v.Status)
	}
	// The renewed credential cannot be renewed twice.
	_, err = e.svc.Start(ctx, u, "", "mini")
	wantErr(t, err, ErrAlreadyCertified)
}

func TestRenewalLapse(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.fill("mini", 3)
	u := e.addUser("u_lapse", "Lapsed Holder")
	_, c := e.passTier(u, "mini")
	if e.suspended(c) {
		t.Fatal("suspended while valid")
	}

	// Expired, inside the grace period: suspended, "renewal in progress".
	e.clk.Set(c.ExpiresAt.Add(day))
	v := e.certs.VerifyID(ctx, c.ID)
	if v.Status != cert.StatusExpired || v.GraceUntil == nil || !strings.Contains(v.Reason, "renewal in progress until") {
		t.Errorf("in grace: %s %q", v.Status, v.Reason)
	}
	if !e.suspended(c) {
		t.Error("not suspended in the status list during grace")
	}

	// After the grace period: lapsed, no longer suspended (validUntil
	// speaks), and a new attempt is a full first exam, not a renewal.
	e.clk.Set(c.GraceUntil.Add(day))
	v = e.certs.VerifyID(ctx, c.ID)
	if v.Status != cert.StatusExpired || v.GraceUntil != nil || strings.Contains(v.Reason, "renewal") {
		t.Errorf("lapsed: %s %q", v.Status, v.Reason)
	}
	if e.suspended(c) {
		t.Error("still suspended after the grace period")
	}
	a := e.start(u, "mini")
	if len(a.Questions) != 5 || e.count(`SELECT count(*) FROM attempts WHERE id = ? AND renews IS NULL`, a.ID) != 1 {
		t.Errorf("after a lapse: %d questions, want the full 5 and no renewal", len(a.Questions))
	}
}

func TestRenewalForm(t *testing.T) {
	tests := []struct {
		name      string
		mode      RenewalMode
		bp        Blueprint
		wantTotal int
		wantSecs  int
	}{
		{"OKShortHalves", RenewalShort, Blueprint{"concepts": 12, "tools": 10, "soft_skills": 8}, 15, 1800},
		{"OKShortAtLeastOne", RenewalShort, Blueprint{"concepts": 1, "tools": 1, "soft_skills": 0}, 2, 3600},
		{"OKFull", RenewalFull, Blueprint{"concepts": 12, "tools": 10, "soft_skills": 8}, 30, 3600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := renewalForm(Tier{RenewalMode: tt.mode, Blueprint: tt.bp, TimeLimitSeconds: 3600})
			if f.Blueprint.Total() != tt.wantTotal || f.TimeLimitSeconds != tt.wantSecs {
				t.Errorf("form: %v (%d s), want %d questions, %d s", f.Blueprint, f.TimeLimitSeconds, tt.wantTotal, tt.wantSecs)
			}
			for d, n := range tt.bp {
				if n > 0 && f.Blueprint[d] < 1 {
					t.Errorf("domain %s dropped", d)
				}
			}
		})
	}
}
