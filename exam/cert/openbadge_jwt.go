package cert

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
)

// The vc+jwt form (W3C VC-JOSE-COSE): a compact JWS whose payload is the
// credential without its proof, header {"alg":"EdDSA","typ":"vc+jwt","kid"}.
// The kid is the certificate's own key, listed in the JWKS.

const vcJWTType = "vc+jwt"

// OpenBadgeJWT returns the credential as a compact vc+jwt.
func (s *Service) OpenBadgeJWT(ctx context.Context, id, email string, a Achievement) (string, error) {
	doc, err := s.OpenBadge(ctx, id, email, a)
	if err != nil {
		return "", err
	}
	c, err := s.Find(ctx, id)
	if err != nil {
		return "", err
	}
	var k *signingKey
	err = s.db.View(ctx, func(tx *sql.Tx) error {
		k, err = s.keys.keyByKid(ctx, tx, c.Kid)
		return err
	})
	if err != nil {
		return "", err
	}
	payload, err := cloneJSON(doc)
	if err != nil {
		return "", err
	}
	delete(payload, "proof")
	return signCompact(k, tokenHeader{Alg: "EdDSA", Typ: vcJWTType, Kid: k.kid}, payload)
}

func signCompact(k *signingKey, h tokenHeader, payload any) (string, error) {
	hb, err := json.Marshal(h)
	if err != nil {
		return "", err
	}
	pb, err := json.Marshal(payload)
	if err != nil {
		return "", fmt.Errorf("encode vc+jwt payload: %w", err)
	}
	in := base64.RawURLEncoding.EncodeToString(hb) + "." + base64.RawURLEncoding.EncodeToString(pb)
	return in + "." + base64.RawURLEncoding.EncodeToString(ed25519.Sign(k.priv.k, []byte(in))), nil
}
