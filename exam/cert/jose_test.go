package cert

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	josejwt "github.com/go-jose/go-jose/v4/jwt"
)

// TestIndependentVerifier: a JOSE library other than the one that signed
// (go-jose) verifies our token from the JWKS JSON alone, as an employer's
// system would, and rejects it once one payload byte changes.
func TestIndependentVerifier(t *testing.T) {
	ctx := context.Background()
	fx := mustService(t)
	old := fx.issue(t, request("Before Rotation"))
	if _, err := fx.svc.Rotate(ctx); err != nil {
		t.Fatal(err)
	}
	c := fx.issue(t, request("Αλέξανδρος Παπαδόπουλος"))

	set, err := fx.svc.JWKS(ctx)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := json.Marshal(set)
	if err != nil {
		t.Fatal(err)
	}
	var jwks jose.JSONWebKeySet
	if err := json.Unmarshal(doc, &jwks); err != nil {
		t.Fatalf("go-jose cannot read our JWKS %s: %v", doc, err)
	}

	verify := func(token string) (map[string]any, error) {
		jws, err := jose.ParseSignedCompact(token, []jose.SignatureAlgorithm{jose.EdDSA})
		if err != nil {
			return nil, err
		}
		keys := jwks.Key(jws.Signatures[0].Header.KeyID)
		if len(keys) != 1 {
			t.Fatalf("JWKS has %d keys for kid %q", len(keys), jws.Signatures[0].Header.KeyID)
		}
		if !keys[0].Valid() || !keys[0].IsPublic() || keys[0].Algorithm != "EdDSA" || keys[0].Use != "sig" {
			t.Errorf("JWK = %+v", keys[0])
		}
		payload, err := jws.Verify(keys[0])
		if err != nil {
			return nil, err
		}
		var claims map[string]any
		return claims, json.Unmarshal(payload, &claims)
	}

	for _, cc := range []Credential{old, c} {
		claims, err := verify(cc.Token)
		if err != nil {
			t.Fatalf("go-jose rejects our token %s: %v", cc.ID, err)
		}
		if claims["jti"] != cc.ID || claims["name"] != cc.HolderName {
			t.Errorf("claims = %v", claims)
		}
	}

	// Its JWT layer checks the claims the way a relying party would.
	tok, err := josejwt.ParseSigned(c.Token, []jose.SignatureAlgorithm{jose.EdDSA})
	if err != nil {
		t.Fatal(err)
	}
	if got := tok.Headers[0].ExtraHeaders["typ"]; got != "cert+jwt" {
		t.Errorf("typ = %v", got)
	}
	var std josejwt.Claims
	if err := tok.Claims(jwks.Key(tok.Headers[0].KeyID)[0], &std); err != nil {
		t.Fatal(err)
	}
	if err := std.Validate(josejwt.Expected{Issuer: testBaseURL, AnyAudience: []string{"mopscert-verify"}, ID: c.ID, Subject: c.ID, Time: fx.clk.Now()}); err != nil {
		t.Errorf("go-jose claim validation: %v", err)
	}
	if err := std.Validate(josejwt.Expected{Issuer: testBaseURL, Time: c.ExpiresAt.Add(time.Hour)}); err == nil {
		t.Error("go-jose accepts the token after its expiry")
	}

	if _, err := verify(alterPayloadByte(t, c.Token)); err == nil {
		t.Error("go-jose accepts the token with one payload byte changed")
	}
	// (go-jose decodes base64 leniently, so a signature altered only in its
	// unused padding bits still passes there; our verifier refuses it: see
	// TestVerify/ErrSignatureCharAlteredStrict.)
}
