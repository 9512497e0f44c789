package cert

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// rfc8037 is the RFC 8037 Appendix A test vector. The project carries its
// own restatement (testdata/ed25519_rfc8037.json); where CI puts the shared
// test material beside the repository, its copy is checked as well.
type rfc8037 struct {
	PrivateJWK    struct{ Kty, Crv, D, X string } `json:"A.1_private_jwk"`
	SeedHex       string                          `json:"A.1_private_key_seed_hex"`
	Thumbprint    string                          `json:"A.3_jwk_thumbprint_sha256"`
	ThumbprintIn  string                          `json:"A.3_thumbprint_input"`
	SigningInput  string                          `json:"A.4_signing_input"`
	SignatureB64  string                          `json:"A.4_signature_b64"`
	CompactJWS    string                          `json:"A.4_compact_jws"`
	PayloadText   string                          `json:"A.4_payload_text"`
	ProtectedJSON string                          `json:"A.4_protected_header_json"`
}

// ownRFC8037 reads the project's fixture, whose layout is its own.
func ownRFC8037(t *testing.T) rfc8037 {
	t.Helper()
	b, err := os.ReadFile("testdata/ed25519_rfc8037.json")
	if err != nil {
		t.Fatalf("read RFC 8037 fixture: %v", err)
	}
	var f struct {
		SeedHex    string                          `json:"seed_hex"`
		JWK        struct{ Kty, Crv, D, X string } `json:"jwk"`
		Thumbprint struct {
			Input  string `json:"input"`
			SHA256 string `json:"sha256_b64url"`
		} `json:"thumbprint"`
		JWS struct {
			Header       string `json:"header"`
			Payload      string `json:"payload"`
			SigningInput string `json:"signing_input"`
			Signature    string `json:"signature"`
			Compact      string `json:"compact"`
		} `json:"jws"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	v := rfc8037{SeedHex: f.SeedHex, Thumbprint: f.Thumbprint.SHA256, ThumbprintIn: f.Thumbprint.Input,
		SigningInput: f.JWS.SigningInput, SignatureB64: f.JWS.Signature, CompactJWS: f.JWS.Compact,
		PayloadText: f.JWS.Payload, ProtectedJSON: f.JWS.Header}
	v.PrivateJWK = f.JWK
	if v.SigningInput == "" || v.SignatureB64 == "" {
		t.Fatal("RFC 8037 fixture lacks the signing input or signature")
	}
	return v
}

// sharedRFC8037 reads the shared test material's copy of the vector.
func sharedRFC8037(t *testing.T) rfc8037 {
	t.Helper()
	needShared(t)
	b, err := os.ReadFile(sharedTestdata + "/jose/rfc8037_appendix_a_ed25519.json")
	if err != nil {
		t.Fatalf("read RFC 8037 vector: %v", err)
	}
	var v rfc8037
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestRFC8037(t *testing.T) {
	t.Run("OwnFixture", func(t *testing.T) { testRFC8037(t, ownRFC8037(t)) })
	t.Run("SharedVector", func(t *testing.T) { testRFC8037(t, sharedRFC8037(t)) })
}

func testRFC8037(t *testing.T, v rfc8037) {
	seed, err := hex.DecodeString(v.SeedHex)
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := base64.RawURLEncoding.DecodeString(v.PrivateJWK.D); !bytes.Equal(d, seed) {
		t.Fatal("the vector's d and seed disagree")
	}
	k, err := newSigningKey(seed)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("PublicKey", func(t *testing.T) {
		if got, want := k.jwk().X, v.PrivateJWK.X; got != want {
			t.Errorf("x = %s, want %s", got, want)
		}
	})
	t.Run("Thumbprint", func(t *testing.T) {
		if got, want := `{"crv":"Ed25519","kty":"OKP","x":"`+k.jwk().X+`"}`, v.ThumbprintIn; got != want {
			t.Errorf("thumbprint input = %s, want %s", got, want)
		}
		if got, want := k.kid, v.Thumbprint; got != want {
			t.Errorf("kid = %s, want the RFC 7638 thumbprint %s", got, want)
		}
		if !validKid(k.kid) {
			t.Errorf("validKid(%q) = false", k.kid)
		}
	})
	t.Run("SignDeterministic", func(t *testing.T) {
		sig, err := jwt.SigningMethodEdDSA.Sign(v.SigningInput, k.priv.k)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := base64.RawURLEncoding.EncodeToString(sig), v.SignatureB64; got != want {
			t.Errorf("signature = %s, want %s", got, want)
		}
	})
	t.Run("VerifyExampleJWS", func(t *testing.T) {
		// The same primitives Verify uses: golang-jwt's strict base64url
		// decoding and its EdDSA method, with a key from our key type.
		p := jwt.NewParser(jwt.WithStrictDecoding())
		parts := strings.Split(v.CompactJWS, ".")
		if len(parts) != 3 {
			t.Fatal("the vector is not a compact JWS")
		}
		sig, err := p.DecodeSegment(parts[2])
		if err != nil {
			t.Fatal(err)
		}
		if err := jwt.SigningMethodEdDSA.Verify(parts[0]+"."+parts[1], sig, k.pub); err != nil {
			t.Errorf("Verify(RFC 8037 A.4) = %v", err)
		}
		header, _ := p.DecodeSegment(parts[0])
		payload, _ := p.DecodeSegment(parts[1])
		if string(header) != v.ProtectedJSON || string(payload) != v.PayloadText {
			t.Errorf("decoded %q / %q", header, payload)
		}
		tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte("Example of Ed25519 signinG"))
		if err := jwt.SigningMethodEdDSA.Verify(tampered, sig, k.pub); err == nil {
			t.Error("Verify accepted a changed payload")
		}
	})
	t.Run("NotACertificateToken", func(t *testing.T) {
		// A valid JWS, but neither a JWT nor ours: the service says invalid.
		fx := mustService(t)
		if got := fx.svc.Verify(context.Background(), v.CompactJWS); got.Status != StatusInvalid || got.Certificate != nil {
			t.Errorf("Verify(RFC 8037 A.4) = %+v, want invalid", got)
		}
	})
}

// TestPrivateKeyNeverPrinted: no way of printing, logging or marshalling a
// key or the service shows the private half.
func TestPrivateKeyNeverPrinted(t *testing.T) {
	fx := mustService(t)
	fx.issue(t, request("Ada Lovelace"))
	k := fx.svc.keys.signer
	if k == nil || k.priv == nil {
		t.Fatal("no signer cached after issuing")
	}
	seed := k.priv.k.Seed()
	secrets := []string{
		string(seed),
		hex.EncodeToString(seed),
		base64.StdEncoding.EncodeToString(seed),
		base64.RawURLEncoding.EncodeToString(seed),
		base64.RawURLEncoding.EncodeToString(k.priv.k),
		fmt.Sprint([]byte(seed)),
	}
	var out bytes.Buffer
	for _, f := range []string{"%v", "%+v", "%#v", "%s", "%x", "%q"} {
		for _, v := range []any{k, *k, k.priv, *k.priv, fx.svc, *fx.svc, fx.svc.keys} {
			fmt.Fprintf(&out, f+"\n", v)
		}
	}
	for _, v := range []any{k, *k, k.priv} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		out.Write(b)
		if bytes.Contains(b, []byte(`"d"`)) {
			t.Errorf("json %s has a private member", b)
		}
	}
	log := slog.New(slog.NewJSONHandler(&out, nil))
	log.Info("key", "key", k, "value", *k, "secret", k.priv)
	slog.New(slog.NewTextHandler(&out, nil)).Info("key", "key", k, "secret", *k.priv)
	set, err := fx.svc.JWKS(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(set)
	out.Write(b)
	for _, s := range secrets {
		if strings.Contains(out.String(), s) {
			t.Fatalf("private key material %q appears in printed output:\n%s", s, out.String())
		}
	}
	if !strings.Contains(out.String(), k.kid) {
		t.Error("the kid should be printable")
	}
}

func TestNewKeepsOneKey(t *testing.T) {
	fx := mustService(t)
	for range 2 {
		if _, err := New(context.Background(), fx.db, fx.clk, testBaseURL); err != nil {
			t.Fatal(err)
		}
	}
	set, err := fx.svc.JWKS(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(set.Keys), 1; got != want {
		t.Fatalf("JWKS has %d keys, want %d", got, want)
	}
	k := set.Keys[0]
	if k.Kty != "OKP" || k.Crv != "Ed25519" || k.Alg != "EdDSA" || k.Use != "sig" || len(k.X) != 43 || !validKid(k.Kid) {
		t.Errorf("JWK = %+v", k)
	}
	x, _ := base64.RawURLEncoding.DecodeString(k.X)
	if got := thumbprint(ed25519.PublicKey(x)); got != k.Kid {
		t.Errorf("kid %s is not the thumbprint %s", k.Kid, got)
	}
}

func TestNewRejectsBadBaseURL(t *testing.T) {
	fx := mustService(t)
	for _, u := range []string{"", "cert.example.org", "ftp://cert.example.org", "https://", "https://x.org/?a=b", "::"} {
		if _, err := New(context.Background(), fx.db, fx.clk, u); err == nil {
			t.Errorf("New(%q) succeeded", u)
		}
	}
}

func kids(set JWKS) []string {
	var out []string
	for _, k := range set.Keys {
		out = append(out, k.Kid)
	}
	return out
}

func TestRotation(t *testing.T) {
	ctx := context.Background()
	fx := mustService(t)
	oldReq := request("Before Rotation")
	oldReq.ValidFor = 365 * 24 * time.Hour
	before := fx.issue(t, oldReq)

	kid, err := fx.svc.Rotate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if kid == before.Kid {
		t.Fatal("Rotate returned the old kid")
	}
	newReq := request("After Rotation")
	newReq.ValidFor = 3 * 365 * 24 * time.Hour
	after := fx.issue(t, newReq)

	if got, want := after.Kid, kid; got != want {
		t.Errorf("new certificate kid = %s, want the new key %s", got, want)
	}
	if got := headerKid(t, after.Token); got != kid {
		t.Errorf("new token header kid = %s, want %s", got, kid)
	}
	for _, c := range []Credential{before, after} {
		if v := fx.svc.Verify(ctx, c.Token); v.Status != StatusValid {
			t.Errorf("Verify(%s) after rotation = %+v, want valid", c.ID, v)
		}
	}
	set, err := fx.svc.JWKS(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(kids(set), ","), kid+","+before.Kid; got != want {
		t.Errorf("JWKS kids = %s, want newest first %s", got, want)
	}

	// Once everything the old key signed has expired, it leaves the JWKS;
	// we still know it, so its certificates read as expired, not forged.
	fx.clk.Advance(366 * 24 * time.Hour)
	set, err = fx.svc.JWKS(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(kids(set), ","), kid; got != want {
		t.Errorf("JWKS kids after the old certificates expired = %s, want %s", got, want)
	}
	if v := fx.svc.Verify(ctx, before.Token); v.Status != StatusExpired || v.Certificate == nil {
		t.Errorf("Verify(old) = %+v, want expired", v)
	}
	if v := fx.svc.Verify(ctx, after.Token); v.Status != StatusValid {
		t.Errorf("Verify(new) = %+v, want valid", v)
	}

	// A key rotated twice in the same clock tick still orders by seq.
	k2, _ := fx.svc.Rotate(ctx)
	k3, _ := fx.svc.Rotate(ctx)
	if c := fx.issue(t, request("Third")); c.Kid != k3 || k2 == k3 {
		t.Errorf("after two rotations the kid is %s, want %s", c.Kid, k3)
	}
}

// TestRotationByAnotherProcess: two Services on one database stand for two
// processes; each sees the other's rotation without a restart.
func TestRotationByAnotherProcess(t *testing.T) {
	ctx := context.Background()
	fx := mustService(t)
	other, err := New(ctx, fx.db, fx.clk, testBaseURL)
	if err != nil {
		t.Fatal(err)
	}
	first := fx.issue(t, request("First"))
	if v := fx.svc.Verify(ctx, first.Token); v.Status != StatusValid { // warms the caches
		t.Fatalf("Verify = %+v", v)
	}

	kid, err := other.Rotate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byOther, err := other.Issue(ctx, request("Signed Elsewhere"))
	if err != nil {
		t.Fatal(err)
	}
	if v := fx.svc.Verify(ctx, byOther.Token); v.Status != StatusValid {
		t.Errorf("this process verifying the other's new key: %+v, want valid", v)
	}
	if c := fx.issue(t, request("Next")); c.Kid != kid {
		t.Errorf("this process signs with %s after the other rotated to %s", c.Kid, kid)
	}
}

func headerKid(t *testing.T, token string) string {
	t.Helper()
	h, err := base64.RawURLEncoding.DecodeString(strings.Split(token, ".")[0])
	if err != nil {
		t.Fatal(err)
	}
	var hdr struct{ Kid string }
	if err := json.Unmarshal(h, &hdr); err != nil {
		t.Fatal(err)
	}
	return hdr.Kid
}
