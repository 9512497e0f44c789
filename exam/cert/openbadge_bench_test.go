package cert

import (
	"context"
	"encoding/json"
	"testing"
)

// BenchmarkOpenBadge measures the Open Badge forms of a credential:
//   - Issue: build, canonicalize, sign and store a new OpenBadgeCredential
//     (status position included), what the first download of a certificate
//     costs;
//   - VerifyDataIntegrity: check an uploaded JSON-LD credential (two
//     canonicalizations, one Ed25519 check, the status row);
//   - VerifyJWT: check the vc+jwt form (no canonicalization);
//   - StatusList: serve a status list whose bits did not change (cached).
func BenchmarkOpenBadge(b *testing.B) {
	fx := mustService(b)
	ctx := context.Background()
	b.Run("Issue", func(b *testing.B) {
		for b.Loop() {
			c := fx.issue(b, request("Ada Lovelace"))
			if _, err := fx.svc.OpenBadge(ctx, c.ID, "ada@example.org", testAchievement); err != nil {
				b.Fatal(err)
			}
		}
	})
	c := fx.issue(b, request("Ada Lovelace"))
	doc, err := fx.svc.OpenBadge(ctx, c.ID, "ada@example.org", testAchievement)
	if err != nil {
		b.Fatal(err)
	}
	raw, _ := json.Marshal(doc)
	jwt, err := fx.svc.OpenBadgeJWT(ctx, c.ID, "ada@example.org", testAchievement)
	if err != nil {
		b.Fatal(err)
	}
	rawJWT, _ := json.Marshal(jwt)
	for _, bc := range []struct {
		name string
		in   json.RawMessage
	}{{"VerifyDataIntegrity", raw}, {"VerifyJWT", rawJWT}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if v := fx.svc.VerifyCredential(ctx, bc.in); v.Status != StatusValid {
					b.Fatalf("status %s: %s", v.Status, v.Reason)
				}
			}
		})
	}
	b.Run("StatusList", func(b *testing.B) {
		for b.Loop() {
			if _, err := fx.svc.StatusList(ctx, "revocation-1"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
