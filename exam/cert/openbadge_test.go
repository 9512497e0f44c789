package cert

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

var testAchievement = Achievement{Tier: "practitioner", Name: "MOps Practitioner",
	Description: "Runs marketing operations day to day.", Criteria: "Pass the Practitioner exam with at least 70 %."}

func (fx *fixture) badge(tb testing.TB, c Credential) map[string]any {
	tb.Helper()
	doc, err := fx.svc.OpenBadge(context.Background(), c.ID, "Holder@Example.org", testAchievement)
	if err != nil {
		tb.Fatalf("OpenBadge: %v", err)
	}
	return doc
}

func mustJSON(tb testing.TB, v any) json.RawMessage {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestOpenBadgeShape(t *testing.T) {
	fx := mustService(t)
	c := fx.issue(t, request("Ada Lovelace"))
	doc := fx.badge(t, c)
	if got, want := string(mustJSON(t, doc["@context"])), `["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]`; got != want {
		t.Errorf("@context = %s, want %s", got, want)
	}
	if got := string(mustJSON(t, doc["type"])); got != `["VerifiableCredential","OpenBadgeCredential"]` {
		t.Errorf("type = %s", got)
	}
	sub := doc["credentialSubject"].(map[string]any)
	ident := sub["identifier"].([]any)[0].(map[string]any)
	if got, want := ident["identityHash"], IdentityHash("holder@example.org", ident["salt"].(string)); got != want {
		t.Errorf("identityHash = %v, want %v", got, want)
	}
	if strings.Contains(strings.ToLower(string(mustJSON(t, doc))), "holder@example.org") {
		t.Error("the plain e-mail address is in the credential")
	}
	proof := doc["proof"].(map[string]any)
	if got, want := proof["verificationMethod"], testBaseURL+"/issuer#"+c.Kid; got != want {
		t.Errorf("verificationMethod = %v, want %v", got, want)
	}
	if doc["awardedDate"] != c.IssuedAt.Format("2006-01-02T15:04:05Z") {
		t.Errorf("awardedDate = %v, want %v", doc["awardedDate"], c.IssuedAt)
	}
	// A second download is the stored credential, byte for byte.
	if a, b := string(mustJSON(t, doc)), string(mustJSON(t, fx.badge(t, c))); a != b {
		t.Error("the credential changed between downloads")
	}
}

func TestVerifyCredential(t *testing.T) {
	fx := mustService(t)
	ctx := context.Background()
	c := fx.issue(t, request("Zoë Müller"))
	doc := fx.badge(t, c)
	jwt, err := fx.svc.OpenBadgeJWT(ctx, c.ID, "holder@example.org", testAchievement)
	if err != nil {
		t.Fatal(err)
	}
	raw := string(mustJSON(t, doc))
	flip := func(s string, at int) string {
		b := []byte(s)
		if b[at] == 'a' {
			b[at] = 'b'
		} else {
			b[at] = 'a'
		}
		return string(b)
	}
	nameAt := strings.Index(raw, "Zo")
	parts := strings.Split(jwt, ".")
	tests := []struct {
		name string
		in   json.RawMessage
		want string
	}{
		{"OK", json.RawMessage(raw), StatusValid},
		{"OKJWT", mustJSON(t, jwt), StatusValid},
		{"ErrNameChanged", json.RawMessage(flip(raw, nameAt+1)), StatusInvalid},
		{"ErrProofValueChanged", json.RawMessage(strings.Replace(raw, `"proofValue":"z`, `"proofValue":"z2`, 1)), StatusInvalid},
		{"ErrJWTPayloadChanged", mustJSON(t, parts[0]+"."+flip(parts[1], 20)+"."+parts[2]), StatusInvalid},
		{"ErrJWTSignatureChanged", mustJSON(t, parts[0]+"."+parts[1]+"."+flip(parts[2], 5)), StatusInvalid},
		{"ErrNotJSON", json.RawMessage(`[1]`), StatusInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := fx.svc.VerifyCredential(ctx, tt.in)
			if v.Status != tt.want {
				t.Fatalf("status = %s (%s), want %s", v.Status, v.Reason, tt.want)
			}
			if (v.Certificate != nil) != (tt.want != StatusInvalid) {
				t.Errorf("certificate = %v for status %s", v.Certificate, v.Status)
			}
		})
	}
	if _, err := fx.svc.Revoke(ctx, c.ID, "exam misconduct", "admin"); err != nil {
		t.Fatal(err)
	}
	if v := fx.svc.VerifyCredential(ctx, json.RawMessage(raw)); v.Status != StatusRevoked {
		t.Errorf("after revocation: status = %s", v.Status)
	}
}

// statusIndex reads the credential's position from its revocation entry.
func statusIndex(tb testing.TB, doc map[string]any) (int, string) {
	tb.Helper()
	e := doc["credentialStatus"].([]any)[0].(map[string]any)
	i, err := strconv.Atoi(e["statusListIndex"].(string))
	if err != nil {
		tb.Fatal(err)
	}
	return i, e["statusListCredential"].(string)
}

func TestStatusListRevocationBit(t *testing.T) {
	fx := mustService(t)
	ctx := context.Background()
	c := fx.issue(t, request("Grace Hopper"))
	other := fx.issue(t, request("Alan Turing"))
	idx, listURL := statusIndex(t, fx.badge(t, c))
	otherIdx, _ := statusIndex(t, fx.badge(t, other))
	name := strings.TrimPrefix(listURL, testBaseURL+"/status/")
	bit := func(i int) bool {
		t.Helper()
		doc, err := fx.svc.StatusList(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if err := verifyProof(doc, fx.svc.keyForVM(ctx)); err != nil {
			t.Fatalf("status list proof: %v", err)
		}
		bits, err := DecodeStatusList(doc["credentialSubject"].(map[string]any)["encodedList"].(string))
		if err != nil {
			t.Fatal(err)
		}
		if got := len(bits) * 8; got < 131072 {
			t.Fatalf("list has %d entries, want at least 131072", got)
		}
		return StatusBit(bits, i)
	}
	if bit(idx) {
		t.Fatal("revocation bit set before revocation")
	}
	if _, err := fx.svc.Revoke(ctx, c.ID, "exam misconduct", "admin"); err != nil {
		t.Fatal(err)
	}
	if !bit(idx) {
		t.Error("revocation bit not set after revocation")
	}
	if bit(otherIdx) {
		t.Error("another credential's bit is set")
	}
}

func TestStatusPositionsRandom(t *testing.T) {
	fx := mustService(t)
	const n = 40
	seen := map[int]bool{}
	ascending := 0
	prev := -1
	for i := range n {
		idx, _ := statusIndex(t, fx.badge(t, fx.issue(t, request("Holder "+strconv.Itoa(i)))))
		if seen[idx] {
			t.Fatalf("position %d given twice", idx)
		}
		seen[idx] = true
		if idx > prev {
			ascending++
		}
		prev = idx
	}
	// Issue order must not show: sequential positions would rise every
	// time; random ones rise about half the time (P(>= 35 of 40) < 1e-6).
	if ascending >= 35 {
		t.Errorf("positions rose %d times in %d issues: they follow issue order", ascending, n)
	}
	// And they spread over the whole list rather than its start.
	high := 0
	for idx := range seen {
		if idx >= StatusListSize/2 {
			high++
		}
	}
	if high < 5 || high > n-5 {
		t.Errorf("%d of %d positions in the upper half of the list", high, n)
	}
}
