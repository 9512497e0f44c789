package cert

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/mopscert/mopscert/apperr"
)

// forge builds compact JWS strings by hand, so that every part an attacker
// controls can be set.
type forge struct {
	t      *testing.T
	c      Credential
	ours   *signingKey // the service's real signing key
	theirs *signingKey // a key the service has never seen
}

func newForge(t *testing.T, fx *fixture, c Credential) *forge {
	t.Helper()
	ours := fx.svc.keys.signer
	if ours == nil || ours.kid != c.Kid {
		t.Fatal("the service has not cached its signer")
	}
	seed := make([]byte, 32)
	_, _ = rand.Read(seed)
	theirs, err := newSigningKey(seed)
	if err != nil {
		t.Fatal(err)
	}
	return &forge{t: t, c: c, ours: ours, theirs: theirs}
}

// claims are the genuine certificate's claims, for a case to change.
func (f *forge) claims() map[string]any {
	return map[string]any{
		"iss": testBaseURL, "aud": tokenAudience, "sub": f.c.ID, "jti": f.c.ID,
		"iat": f.c.IssuedAt.Unix(), "nbf": f.c.IssuedAt.Unix(), "exp": f.c.ExpiresAt.Unix(),
		"name": f.c.HolderName, "tier": f.c.Tier, "tier_name": f.c.TierName,
	}
}

func (f *forge) header(alg, typ, kid string) map[string]any {
	h := map[string]any{"alg": alg, "kid": kid}
	if typ != "" {
		h["typ"] = typ
	}
	return h
}

func (f *forge) input(header, claims map[string]any) string {
	h, err := json.Marshal(header)
	if err != nil {
		f.t.Fatal(err)
	}
	p, err := json.Marshal(claims)
	if err != nil {
		f.t.Fatal(err)
	}
	return b64.EncodeToString(h) + "." + b64.EncodeToString(p)
}

// ed signs with an Ed25519 key.
func (f *forge) ed(k *signingKey, header, claims map[string]any) string {
	in := f.input(header, claims)
	sig, err := jwt.SigningMethodEdDSA.Sign(in, k.priv.k)
	if err != nil {
		f.t.Fatal(err)
	}
	return in + "." + b64.EncodeToString(sig)
}

// hs signs with HMAC-SHA256 and the given secret.
func (f *forge) hs(secret []byte, header, claims map[string]any) string {
	in := f.input(header, claims)
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(in))
	return in + "." + b64.EncodeToString(m.Sum(nil))
}

func with(m map[string]any, kv ...any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(out, kv[i].(string))
		} else {
			out[kv[i].(string)] = kv[i+1]
		}
	}
	return out
}

// alterSigPadding changes the last signature character only in its unused
// low bits: lenient base64 decodes the same 64 bytes, strict decoding fails.
func alterSigPadding(t *testing.T, token string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	i := strings.IndexByte(alphabet, token[len(token)-1])
	altered := token[:len(token)-1] + string(alphabet[i^1])
	sig := func(s string) []byte {
		b, _ := base64.RawURLEncoding.DecodeString(s[strings.LastIndexByte(s, '.')+1:])
		return b
	}
	if string(sig(altered)) != string(sig(token)) {
		t.Fatal("the altered character changed the decoded signature; the case would not test strictness")
	}
	return altered
}

func alterPayloadByte(t *testing.T, token string) string {
	parts := strings.Split(token, ".")
	p, err := b64.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(p), `"name":"`) + len(`"name":"`)
	p[i] ^= 0x01 // one letter of the name
	return parts[0] + "." + b64.EncodeToString(p) + "." + parts[2]
}

func TestVerify(t *testing.T) {
	ctx := context.Background()
	fx := mustService(t)
	c := fx.issue(t, request("Zoë Ångström"))
	f := newForge(t, fx, c)
	ourKid, theirKid := f.ours.kid, f.theirs.kid
	hdr := f.header("EdDSA", tokenType, ourKid)
	cl := f.claims()
	past := t0.Add(-48 * time.Hour)
	pubX := base64.RawURLEncoding.EncodeToString(f.ours.pub)
	sigParts := strings.Split(c.Token, ".")

	t.Run("OK", func(t *testing.T) {
		v := fx.svc.Verify(ctx, c.Token)
		if v.Status != StatusValid || v.Certificate == nil || v.Reason == "" {
			t.Fatalf("Verify = %+v, want valid", v)
		}
		if got, want := *v.Certificate, *c.Public(); got != want {
			t.Errorf("certificate = %+v, want %+v", got, want)
		}
		if got, want := v.Issuer, testBaseURL; got != want {
			t.Errorf("issuer = %q, want %q", got, want)
		}
	})
	t.Run("OKSurroundingSpace", func(t *testing.T) {
		if v := fx.svc.Verify(ctx, " \n"+c.Token+"\r\n"); v.Status != StatusValid {
			t.Errorf("Verify = %+v, want valid", v)
		}
	})
	t.Run("OKReSignedByUs", func(t *testing.T) {
		// Control for the forged cases below: the same construction with
		// our key and unchanged claims passes.
		if v := fx.svc.Verify(ctx, f.ed(f.ours, hdr, cl)); v.Status != StatusValid {
			t.Errorf("Verify = %+v, want valid", v)
		}
	})

	for _, tt := range []struct {
		name   string
		token  string
		reason string // a fragment of the expected reason, if it matters
	}{
		{"ErrAlgNone", f.input(f.header("none", tokenType, ourKid), cl) + ".", ""},
		{"ErrAlgNoneWithSignature", f.input(f.header("none", tokenType, ourKid), cl) + "." + sigParts[2], ""},
		{"ErrHS256PublicKeyAsSecret", f.hs(f.ours.pub, f.header("HS256", tokenType, ourKid), cl), ""},
		{"ErrHS256JWKxAsSecret", f.hs([]byte(pubX), f.header("HS256", tokenType, ourKid), cl), ""},
		{"ErrSignatureCharAlteredStrict", alterSigPadding(t, c.Token), ""},
		{"ErrSignatureCharAltered", c.Token[:len(c.Token)-10] + flip(c.Token[len(c.Token)-10]) + c.Token[len(c.Token)-9:], ""},
		{"ErrSignaturePadded", c.Token + "==", ""},
		{"ErrSignatureMissing", sigParts[0] + "." + sigParts[1] + ".", ""},
		{"ErrPayloadByteChanged", alterPayloadByte(t, c.Token), "signature"},
		{"ErrUnknownKid", f.ed(f.theirs, f.header("EdDSA", tokenType, theirKid), cl), "key of this issuer"},
		{"ErrNoKid", f.ed(f.ours, with(hdr, "kid", nil), cl), "key of this issuer"},
		{"ErrKidNotString", f.ed(f.ours, with(hdr, "kid", 42), cl), ""},
		{"ErrOurKidTheirSignature", f.ed(f.theirs, hdr, cl), "signature"},
		{"ErrEmbeddedJWK", f.ed(f.theirs, with(f.header("EdDSA", tokenType, theirKid), "jwk", f.theirs.jwk()), cl), ""},
		{"ErrEmbeddedJWKOurKid", f.ed(f.theirs, with(hdr, "jwk", f.theirs.jwk()), cl), ""},
		{"ErrJKU", f.ed(f.theirs, with(f.header("EdDSA", tokenType, theirKid), "jku", "https://evil.example/jwks.json"), cl), ""},
		{"ErrX5U", f.ed(f.theirs, with(hdr, "x5u", "https://evil.example/cert.pem"), cl), ""},
		{"ErrWrongIssuer", f.ed(f.ours, hdr, with(cl, "iss", "https://evil.example")), "issued by someone else"},
		{"ErrIssuerTrailingSlash", f.ed(f.ours, hdr, with(cl, "iss", testBaseURL+"/")), ""},
		{"ErrNoIssuer", f.ed(f.ours, hdr, with(cl, "iss", nil)), ""},
		{"ErrWrongAudience", f.ed(f.ours, hdr, with(cl, "aud", "someone-else")), "not meant for certificate verification"},
		{"ErrOtherAudiences", f.ed(f.ours, hdr, with(cl, "aud", []string{"a", "b"})), ""},
		{"ErrNoAudience", f.ed(f.ours, hdr, with(cl, "aud", nil)), ""},
		{"ErrWrongTyp", f.ed(f.ours, f.header("EdDSA", "JWT", ourKid), cl), "not a mopscert certificate token"},
		{"ErrNoTyp", f.ed(f.ours, f.header("EdDSA", "", ourKid), cl), ""},
		{"ErrTypCase", f.ed(f.ours, f.header("EdDSA", "CERT+JWT", ourKid), cl), ""},
		{"ErrCrit", f.ed(f.ours, with(hdr, "crit", []string{"exp"}), cl), ""},
		{"ErrNoExp", f.ed(f.ours, hdr, with(cl, "exp", nil)), ""},
		{"ErrNotYetValid", f.ed(f.ours, hdr, with(cl, "nbf", t0.Add(time.Hour).Unix(), "iat", t0.Add(time.Hour).Unix())), "not valid yet"},
		{"ErrSubNotJti", f.ed(f.ours, hdr, with(cl, "sub", NewID())), ""},
		{"ErrNoName", f.ed(f.ours, hdr, with(cl, "name", nil)), ""},
		{"ErrIDNotCanonical", f.ed(f.ours, hdr, with(cl, "sub", strings.ToLower(c.ID), "jti", strings.ToLower(c.ID))), ""},
		{"ErrUnknownID", f.ed(f.ours, hdr, with(cl, "sub", "MOPS-0000-0000-0000", "jti", "MOPS-0000-0000-0000")), "No certificate with this id"},
		{"ErrClaimWrongType", f.ed(f.ours, hdr, with(cl, "exp", "tomorrow")), ""},
		{"ErrRandomJWT", mustHS256(t), ""},
		{"ErrExpiredAndForged", f.ed(f.theirs, hdr, with(cl, "iat", past.Add(-time.Hour).Unix(), "nbf", past.Add(-time.Hour).Unix(), "exp", past.Unix())), "signature"},
		{"ErrExpiredAndForgedUnknownKid", f.ed(f.theirs, f.header("EdDSA", tokenType, theirKid), with(cl, "exp", past.Unix(), "iat", past.Add(-time.Hour).Unix())), ""},
		{"ErrExpiredWrongAudience", f.ed(f.ours, hdr, with(cl, "aud", "x", "exp", past.Unix(), "iat", past.Add(-time.Hour).Unix(), "nbf", past.Add(-time.Hour).Unix())), ""},
		{"ErrGarbage", "this is not a token", "malformed"},
		{"ErrGarbageDots", "a.b.c", ""},
		{"ErrOnlyDots", "..", ""},
		{"ErrFourParts", c.Token + ".x", ""},
		{"ErrJSONGarbage", "eyJ.eyJ.eyJ", ""},
		{"ErrBinary", "\x00\xff\xfe.\x01.\x02", ""},
		{"ErrEmpty", "", "No token"},
		{"ErrOversized", strings.Repeat("A", maxTokenLen+1), "too long"},
		{"ErrOversizedGenuinePrefix", c.Token + strings.Repeat("A", maxTokenLen), "too long"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v := fx.svc.Verify(ctx, tt.token)
			if v.Status != StatusInvalid {
				t.Fatalf("Verify = %+v, want invalid", v)
			}
			if v.Certificate != nil || v.RevokedAt != nil || v.RevokedReason != "" || v.Issuer != "" {
				t.Errorf("an invalid token shows holder data: %+v", v)
			}
			if v.Err != nil {
				t.Errorf("Err = %v; a bad token is not a server failure", v.Err)
			}
			if v.Reason == "" || !strings.HasSuffix(v.Reason, ".") || strings.ContainsAny(v.Reason, "\n") {
				t.Errorf("reason %q is not a plain sentence", v.Reason)
			}
			if tt.reason != "" && !strings.Contains(v.Reason, tt.reason) {
				t.Errorf("reason = %q, want it to mention %q", v.Reason, tt.reason)
			}
			if strings.Contains(v.Reason, c.HolderName) || strings.Contains(strings.ToLower(v.Reason), "expired") {
				t.Errorf("reason %q says too much", v.Reason)
			}
		})
	}
}

func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}

// mustHS256 is somebody else's perfectly good JWT.
func mustHS256(t *testing.T) string {
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"iss": "https://other.example", "sub": "1234567890", "name": "John Doe", "iat": 1516239022,
	}).SignedString([]byte("your-256-bit-secret"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestVerifyRevoked(t *testing.T) {
	ctx := context.Background()
	fx := mustService(t)
	c := fx.issue(t, request("Наталья Иванова"))
	fx.clk.Advance(24 * time.Hour)
	revokedAt := fx.clk.Now()

	got, err := fx.svc.Revoke(ctx, strings.ToLower(c.ID), "  Exam content was leaked.  ", "u_admin")
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != StatusRevoked || got.RevokedAt == nil || !got.RevokedAt.Equal(revokedAt) ||
		got.RevokedReason != ReasonOther || got.RevokedNote != "Exam content was leaked." || got.RevokedBy != "u_admin" {
		t.Errorf("Revoke = %+v", got)
	}
	for name, v := range map[string]Verification{
		"Token": fx.svc.Verify(ctx, c.Token),
		"ID":    fx.svc.VerifyID(ctx, c.ID),
	} {
		t.Run(name, func(t *testing.T) {
			if v.Status != StatusRevoked || v.Certificate == nil || v.Certificate.ID != c.ID {
				t.Fatalf("Verify = %+v, want revoked with the certificate", v)
			}
			if v.RevokedReason != ReasonOther || v.RevokedAt == nil || !v.RevokedAt.Equal(revokedAt) {
				t.Errorf("revocation = %v %q", v.RevokedAt, v.RevokedReason)
			}
			if !strings.Contains(v.Reason, "revoked on 3 March 2026") {
				t.Errorf("reason = %q", v.Reason)
			}
		})
	}
	// Revoked beats expired.
	fx.clk.Advance(3 * 365 * 24 * time.Hour)
	if v := fx.svc.Verify(ctx, c.Token); v.Status != StatusRevoked {
		t.Errorf("revoked and expired: %+v, want revoked", v)
	}

	t.Run("ErrAlreadyRevoked", func(t *testing.T) {
		if _, err := fx.svc.Revoke(ctx, c.ID, "again", "u_admin"); !errors.Is(err, ErrAlreadyRevoked) {
			t.Errorf("err = %v, want ErrAlreadyRevoked", err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		for _, id := range []string{"MOPS-0000-0000-0000", "nonsense"} {
			if _, err := fx.svc.Revoke(ctx, id, "why", "u_admin"); !errors.Is(err, ErrNotFound) {
				t.Errorf("Revoke(%q) err = %v, want ErrNotFound", id, err)
			}
		}
	})
	t.Run("ErrNoReason", func(t *testing.T) {
		other := fx.issue(t, request("Other"))
		_, err := fx.svc.Revoke(ctx, other.ID, "   ", "u_admin")
		if e, ok := apperr.As(err); !ok || e.Kind != apperr.Invalid || e.Fields["reason"] == "" {
			t.Errorf("err = %v, want a validation error on reason", err)
		}
		if got, _ := fx.svc.Find(ctx, other.ID); got.Status != StatusValid {
			t.Errorf("status = %s after a refused revocation", got.Status)
		}
	})
}

func TestVerifyExpired(t *testing.T) {
	ctx := context.Background()
	fx := mustService(t)
	req := request("Αλέξανδρος Παπαδόπουλος")
	req.ValidFor = 30 * 24 * time.Hour
	c := fx.issue(t, req)

	fx.clk.Set(c.ExpiresAt.Add(-time.Second))
	if v := fx.svc.Verify(ctx, c.Token); v.Status != StatusValid {
		t.Fatalf("a second before expiry: %+v, want valid", v)
	}
	fx.clk.Set(c.ExpiresAt)
	for name, v := range map[string]Verification{
		"Token": fx.svc.Verify(ctx, c.Token),
		"ID":    fx.svc.VerifyID(ctx, c.ID),
	} {
		t.Run(name, func(t *testing.T) {
			if v.Status != StatusExpired || v.Certificate == nil || v.Certificate.HolderName != c.HolderName {
				t.Fatalf("at expiry: %+v, want expired with the certificate", v)
			}
			if !strings.Contains(v.Reason, "expired on 1 April 2026") {
				t.Errorf("reason = %q", v.Reason)
			}
		})
	}
	// Well past expiry (beyond the parser's leeway) it is still expired,
	// not invalid: the signature is genuine.
	fx.clk.Advance(400 * 24 * time.Hour)
	if v := fx.svc.Verify(ctx, c.Token); v.Status != StatusExpired || v.Certificate == nil {
		t.Errorf("long after expiry: %+v, want expired", v)
	}
	if got, err := fx.svc.Find(ctx, c.ID); err != nil || got.Status != StatusExpired {
		t.Errorf("Find = %+v, %v; want status expired", got, err)
	}
	// An expired token whose signature fails stays invalid (see TestVerify).
	if v := fx.svc.Verify(ctx, alterPayloadByte(t, c.Token)); v.Status != StatusInvalid || v.Certificate != nil {
		t.Errorf("expired and altered: %+v, want invalid", v)
	}
}

func TestVerifyID(t *testing.T) {
	ctx := context.Background()
	fx := mustService(t)
	c := fx.issue(t, request("Grace Hopper"))
	for _, tt := range []struct {
		name, id, status string
	}{
		{"OK", c.ID, StatusValid},
		{"OKTyped", strings.ReplaceAll(strings.ToLower(c.ID), "-", " "), StatusValid},
		{"ErrUnknown", "MOPS-0000-0000-0000", StatusInvalid},
		{"ErrNotAnID", "hello", StatusInvalid},
		{"ErrEmpty", "", StatusInvalid},
		{"ErrHuge", strings.Repeat("MOPS", 1000), StatusInvalid},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v := fx.svc.VerifyID(ctx, tt.id)
			if v.Status != tt.status || (v.Certificate == nil) != (tt.status == StatusInvalid) || v.Reason == "" {
				t.Errorf("VerifyID(%q) = %+v, want %s", tt.id, v, tt.status)
			}
		})
	}
}

// TestTokenShape pins the header and claims exactly (API.md).
func TestTokenShape(t *testing.T) {
	fx := mustService(t)
	c := fx.issue(t, request("Zoë Ångström"))
	parts := strings.Split(c.Token, ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d parts", len(parts))
	}
	h, _ := b64.DecodeString(parts[0])
	if got, want := string(h), `{"alg":"EdDSA","typ":"cert+jwt","kid":"`+c.Kid+`"}`; got != want {
		t.Errorf("header = %s, want %s", got, want)
	}
	p, _ := b64.DecodeString(parts[1])
	var claims map[string]any
	if err := json.Unmarshal(p, &claims); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"iss": testBaseURL, "aud": "mopscert-verify", "sub": c.ID, "jti": c.ID,
		"iat": float64(t0.Unix()), "nbf": float64(t0.Unix()), "exp": float64(c.ExpiresAt.Unix()),
		"name": "Zoë Ångström", "tier": "practitioner", "tier_name": "MOps Practitioner",
	}
	if len(claims) != len(want) {
		t.Errorf("claims = %v, want exactly %v", claims, want)
	}
	for k, w := range want {
		if claims[k] != w {
			t.Errorf("claim %s = %v, want %v", k, claims[k], w)
		}
	}
	if got, want := c.VerifyURL, testBaseURL+"/verify/"+c.Token; got != want {
		t.Errorf("verify_url = %s, want %s", got, want)
	}
	if !c.ExpiresAt.Equal(t0.Add(2 * 365 * 24 * time.Hour)) {
		t.Errorf("expires_at = %v", c.ExpiresAt)
	}
}
