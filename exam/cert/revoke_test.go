package cert

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mopscert/mopscert/apperr"
)

// The public sees the reason code, never the admins' note.
func TestRevokePublicReasonAndNote(t *testing.T) {
	ctx := context.Background()
	fx := mustService(t)
	tests := []struct {
		name       string
		r          Revocation
		badField   string
		wantPublic string
	}{
		{"OK", Revocation{PublicReason: ReasonMisconduct, Note: "Ticket 4711: answers shared in a chat group."}, "", ReasonMisconduct},
		{"OKNoNote", Revocation{PublicReason: ReasonHolderRequest}, "", ReasonHolderRequest},
		{"ErrUnknownReason", Revocation{PublicReason: "cheating", Note: "x"}, "public_reason", ""},
		{"ErrNoReason", Revocation{Note: "x"}, "public_reason", ""},
		{"ErrLongNote", Revocation{PublicReason: ReasonOther, Note: strings.Repeat("n", 501)}, "note", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fx.issue(t, request("Ana Lima"))
			got, err := fx.svc.RevokeWith(ctx, c.ID, tt.r, "u_admin")
			if tt.badField != "" {
				if ae, ok := apperr.As(err); !ok || ae.Fields[tt.badField] == "" {
					t.Fatalf("RevokeWith = %v, want an error on %s", err, tt.badField)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.RevokedReason != tt.wantPublic || got.RevokedNote != tt.r.Note {
				t.Fatalf("stored %q / %q", got.RevokedReason, got.RevokedNote)
			}
			v := fx.svc.VerifyID(ctx, c.ID)
			data, _ := json.Marshal(v)
			if v.Status != StatusRevoked || v.RevokedReason != tt.wantPublic || (tt.r.Note != "" && strings.Contains(string(data), tt.r.Note)) {
				t.Fatalf("verification %s", data)
			}
		})
	}
}
