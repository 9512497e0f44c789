package cert

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mopscert/mopscert/apperr"
)

func TestIssueTxIdempotent(t *testing.T) {
	ctx := context.Background()
	fx := mustService(t)
	req := request("Zoë Ångström")

	var a, b Credential
	fx.inTx(t, func(tx *sql.Tx) error {
		var err error
		if a, err = fx.svc.IssueTx(ctx, tx, req); err != nil {
			return err
		}
		// A retried submit in the same transaction, even with other data.
		again := req
		again.HolderName = "Someone Else"
		b, err = fx.svc.IssueTx(ctx, tx, again)
		return err
	})
	if a.ID != b.ID || a.Token != b.Token || b.HolderName != "Zoë Ångström" {
		t.Errorf("second IssueTx = %+v, want the first %+v", b, a)
	}
	// And in a later transaction.
	c := fx.issue(t, req)
	if c.ID != a.ID || c.Token != a.Token {
		t.Errorf("Issue after IssueTx = %s, want %s", c.ID, a.ID)
	}
	if c.Status != StatusValid || c.VerifyURL != testBaseURL+"/verify/"+c.Token || c.AttemptID != req.AttemptID || c.UserID != req.UserID {
		t.Errorf("credential = %+v", c)
	}
	// Another attempt gets another certificate.
	if d := fx.issue(t, request("Zoë Ångström")); d.ID == a.ID {
		t.Error("a second attempt reused the certificate")
	}
	list, err := fx.svc.ForUser(ctx, req.UserID)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(list), 2; got != want {
		t.Errorf("ForUser has %d certificates, want %d", got, want)
	}
}

// TestIssueTxRollsBack: the certificate belongs to the caller's transaction;
// if the exam store's write fails, no certificate exists.
func TestIssueTxRollsBack(t *testing.T) {
	ctx := context.Background()
	fx := mustService(t)
	var c Credential
	boom := errors.New("the result could not be stored")
	err := fx.db.Update(ctx, func(tx *sql.Tx) error {
		var err error
		if c, err = fx.svc.IssueTx(ctx, tx, request("Rolled Back")); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v", err)
	}
	if _, err := fx.svc.Find(ctx, c.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Find after rollback = %v, want ErrNotFound", err)
	}
	if v := fx.svc.Verify(ctx, c.Token); v.Status != StatusInvalid {
		t.Errorf("Verify after rollback = %+v, want invalid", v)
	}
}

func TestIssueValidation(t *testing.T) {
	ctx := context.Background()
	fx := mustService(t)
	for _, tt := range []struct {
		name  string
		edit  func(*IssueRequest)
		field string
	}{
		{"ErrNoName", func(r *IssueRequest) { r.HolderName = "  " }, "holder_name"},
		{"ErrLongName", func(r *IssueRequest) { r.HolderName = strings.Repeat("ä", maxNameRunes+1) }, "holder_name"},
		{"ErrControlInName", func(r *IssueRequest) { r.HolderName = "Ada\nLovelace" }, "holder_name"},
		{"ErrBadUTF8", func(r *IssueRequest) { r.HolderName = "Ada \xff" }, "holder_name"},
		{"ErrNoTier", func(r *IssueRequest) { r.Tier = "" }, "tier"},
		{"ErrNoTierName", func(r *IssueRequest) { r.TierName = "" }, "tier_name"},
		{"ErrNoAttempt", func(r *IssueRequest) { r.AttemptID = "" }, "attempt_id"},
		{"ErrNoUser", func(r *IssueRequest) { r.UserID = "" }, "user_id"},
		{"ErrNoValidity", func(r *IssueRequest) { r.ValidFor = 0 }, "valid_for"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req := request("Valid Name")
			tt.edit(&req)
			_, err := fx.svc.Issue(ctx, req)
			e, ok := apperr.As(err)
			if !ok || e.Kind != apperr.Invalid || e.Fields[tt.field] == "" {
				t.Errorf("Issue = %v, want a validation error on %s", err, tt.field)
			}
		})
	}
	t.Run("OKNormalisesName", func(t *testing.T) {
		req := request("  Zoe\u0308 A\u030Angstro\u0308m ") // decomposed, padded
		c, err := fx.svc.Issue(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := c.HolderName, "Zoë Ångström"; got != want {
			t.Errorf("holder name = %q, want NFC %q", got, want)
		}
	})
}

func TestFind(t *testing.T) {
	ctx := context.Background()
	fx := mustService(t)
	c := fx.issue(t, request("Наталья Иванова"))
	for _, tt := range []struct{ name, id string }{
		{"OK", c.ID},
		{"OKLower", strings.ToLower(c.ID)},
		{"OKNoDashes", strings.ReplaceAll(c.ID, "-", "")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := fx.svc.Find(ctx, tt.id)
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != c.ID || got.Token != c.Token || got.HolderName != c.HolderName || got.Kid != c.Kid ||
				!got.IssuedAt.Equal(c.IssuedAt) || !got.ExpiresAt.Equal(c.ExpiresAt) || got.IssuedAt.Location() != time.UTC {
				t.Errorf("Find = %+v, want %+v", got, c)
			}
			if got.Status != StatusValid || got.VerifyURL != c.VerifyURL {
				t.Errorf("computed fields: status %q, verify_url %q", got.Status, got.VerifyURL)
			}
		})
	}
	for _, id := range []string{"MOPS-0000-0000-0000", "garbage", ""} {
		t.Run("ErrNotFound", func(t *testing.T) {
			_, err := fx.svc.Find(ctx, id)
			if !errors.Is(err, ErrNotFound) {
				t.Fatalf("Find(%q) = %v, want ErrNotFound", id, err)
			}
			if e, _ := apperr.As(err); e.Kind != apperr.NotFound || e.Code != "certificate_not_found" {
				t.Errorf("error = %+v", e)
			}
		})
	}
	if list, err := fx.svc.ForUser(ctx, "u_nobody"); err != nil || list == nil || len(list) != 0 {
		t.Errorf("ForUser(nobody) = %v, %v; want an empty list", list, err)
	}
}

func TestList(t *testing.T) {
	ctx := context.Background()
	fx := mustService(t)
	var ids []string
	for i, name := range []string{"Ada Lovelace", "Grace Hopper", "Zoë Ångström", "Наталья Иванова", "Ada Yonath"} {
		req := request(name)
		if i%2 == 1 {
			req.Tier, req.TierName = "leader", "MOps Leader"
		}
		if i == 4 {
			req.ValidFor = time.Hour
		}
		ids = append(ids, fx.issue(t, req).ID)
		fx.clk.Advance(time.Minute) // distinct issue times: newest first is well defined
	}
	if _, err := fx.svc.Revoke(ctx, ids[0], "Fraud.", "u_admin"); err != nil {
		t.Fatal(err)
	}
	fx.clk.Advance(2 * time.Hour) // ids[4] expires

	for _, tt := range []struct {
		name  string
		f     Filter
		want  []string
		total int
	}{
		{"OKAll", Filter{}, []string{ids[4], ids[3], ids[2], ids[1], ids[0]}, 5},
		{"OKTier", Filter{Tier: "leader"}, []string{ids[3], ids[1]}, 2},
		{"OKValid", Filter{Status: StatusValid}, []string{ids[3], ids[2], ids[1]}, 3},
		{"OKExpired", Filter{Status: StatusExpired}, []string{ids[4]}, 1},
		{"OKRevoked", Filter{Status: StatusRevoked}, []string{ids[0]}, 1},
		{"OKName", Filter{Q: "ada"}, []string{ids[4], ids[0]}, 2},
		{"OKNameNonASCII", Filter{Q: "Иван"}, []string{ids[3]}, 1},
		{"OKIDTyped", Filter{Q: strings.ToLower(strings.ReplaceAll(ids[2], "-", ""))}, []string{ids[2]}, 1},
		{"OKIDPart", Filter{Q: ids[1][5:14]}, []string{ids[1]}, 1},
		{"OKWildcardsAreLiteral", Filter{Q: "%"}, nil, 0},
		{"OKPage", Filter{Limit: 2, Offset: 1}, []string{ids[3], ids[2]}, 5},
		{"OKCombined", Filter{Tier: "practitioner", Status: StatusValid}, []string{ids[2]}, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, total, err := fx.svc.List(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var gotIDs []string
			for _, c := range got {
				gotIDs = append(gotIDs, c.ID)
			}
			if fmt.Sprint(gotIDs) != fmt.Sprint(tt.want) || total != tt.total {
				t.Errorf("List(%+v) = %v (total %d), want %v (total %d)", tt.f, gotIDs, total, tt.want, tt.total)
			}
			for _, c := range got {
				if tt.f.Status != "" && c.Status != tt.f.Status {
					t.Errorf("%s has status %s in a %s list", c.ID, c.Status, tt.f.Status)
				}
			}
		})
	}
	t.Run("ErrStatus", func(t *testing.T) {
		if _, _, err := fx.svc.List(ctx, Filter{Status: "bogus"}); err == nil {
			t.Error("List accepted an unknown status")
		}
	})
}

// TestConcurrentUse issues, verifies and rotates at once (run with -race):
// the key cache is shared by every request of a process.
func TestConcurrentUse(t *testing.T) {
	ctx := context.Background()
	fx := mustService(t)
	other, err := New(ctx, fx.db, fx.clk, testBaseURL) // a second process
	if err != nil {
		t.Fatal(err)
	}
	fx.issue(t, request("Signed By The First Key"))
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Go(func() {
			svc := fx.svc
			if i%2 == 1 {
				svc = other
			}
			for range 5 {
				if i == 0 {
					if _, err := svc.Rotate(ctx); err != nil {
						t.Error(err)
					}
				}
				c, err := svc.Issue(ctx, request("Concurrent"))
				if err != nil {
					t.Error(err)
					return
				}
				for _, s := range []*Service{fx.svc, other} {
					if v := s.Verify(ctx, c.Token); v.Status != StatusValid {
						t.Errorf("Verify = %+v", v)
					}
				}
			}
		})
	}
	wg.Wait()
	set, err := fx.svc.JWKS(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(set.Keys), 6; got != want {
		t.Errorf("JWKS has %d keys, want %d (the first and five rotations, all with live certificates)", got, want)
	}
}
