package cert

import (
	"context"
	"testing"

	"github.com/mopscert/mopscert/db"
)

// Two Services, each with its own database handle on one file, stand for
// two app servers. Node B rotates and signs; node A, which has verified
// with the old key (so its keyring is warm and lacks the new kid), must
// accept everything B signs at once: the JWT, the vc+jwt badge and the
// Data Integrity badge.
func TestRotationOnAnotherNode(t *testing.T) {
	ctx := context.Background()
	a := mustService(t)
	d2, err := db.Open(ctx, a.db.Path())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d2.Close() })
	bSvc, err := New(ctx, d2, a.clk, testBaseURL)
	if err != nil {
		t.Fatal(err)
	}
	b := &fixture{db: d2, clk: a.clk, svc: bSvc}
	if v := a.svc.Verify(ctx, a.issue(t, request("Before")).Token); v.Status != StatusValid {
		t.Fatalf("Verify before rotation = %+v", v)
	}
	kid, err := b.svc.Rotate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c := b.issue(t, request("Signed On B"))
	if c.Kid != kid {
		t.Fatalf("B signed with %s, want its new key %s", c.Kid, kid)
	}
	vcjwt, err := b.svc.OpenBadgeJWT(ctx, c.ID, "holder@example.org", testAchievement)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name   string
		verify func() Verification
	}{
		{"OKToken", func() Verification { return a.svc.Verify(ctx, c.Token) }},
		{"OKBadgeJWT", func() Verification { return a.svc.VerifyCredential(ctx, mustJSON(t, vcjwt)) }},
		{"OKBadgeDataIntegrity", func() Verification { return a.svc.VerifyCredential(ctx, mustJSON(t, b.badge(t, c))) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if v := tt.verify(); v.Status != StatusValid {
				t.Errorf("node A verifying what B signed with a new key: %+v, want valid", v)
			}
		})
	}
	t.Run("OKSignsWithNewKey", func(t *testing.T) {
		if got := a.issue(t, request("Next On A")); got.Kid != kid {
			t.Errorf("A signs with %s after B rotated to %s", got.Kid, kid)
		}
	})
}
