package cert

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// The token is a compact JWS (RFC 7515) whose payload is a JWT claims set.
// Anyone can check it with the JWKS alone; only the API knows revocation.
const (
	tokenType     = "cert+jwt"
	tokenAudience = "mopscert-verify"
	// maxTokenLen refuses oversized input before any decoding. A real token
	// is about 600 bytes; a 200-character name in Greek still fits easily.
	maxTokenLen = 4096
	// leeway absorbs clock skew between our servers for iat and nbf; expiry
	// itself is decided from the database row against our own clock.
	leeway = 30 * time.Second
)

// tokenHeader is marshalled in this field order, so the header is exactly
// {"alg":"EdDSA","typ":"cert+jwt","kid":"…"}.
type tokenHeader struct {
	Alg string `json:"alg"`
	Typ string `json:"typ"`
	Kid string `json:"kid"`
}

// tokenClaims is what a token says. Audience is written as a single string
// (jwt.ClaimStrings would follow a package-wide switch and may write an
// array); on reading, ClaimStrings accepts both forms.
type tokenClaims struct {
	Issuer    string           `json:"iss"`
	Audience  jwt.ClaimStrings `json:"aud"`
	Subject   string           `json:"sub"`
	ID        string           `json:"jti"`
	IssuedAt  *jwt.NumericDate `json:"iat"`
	NotBefore *jwt.NumericDate `json:"nbf"`
	ExpiresAt *jwt.NumericDate `json:"exp"`
	Name      string           `json:"name"`
	Tier      string           `json:"tier"`
	TierName  string           `json:"tier_name"`
}

// issuedClaims is tokenClaims as we write it (aud as a string).
type issuedClaims struct {
	Issuer    string `json:"iss"`
	Audience  string `json:"aud"`
	Subject   string `json:"sub"`
	ID        string `json:"jti"`
	IssuedAt  int64  `json:"iat"`
	NotBefore int64  `json:"nbf"`
	ExpiresAt int64  `json:"exp"`
	Name      string `json:"name"`
	Tier      string `json:"tier"`
	TierName  string `json:"tier_name"`
}

// The jwt.Claims getters, used by the parser's validator.
func (c *tokenClaims) GetExpirationTime() (*jwt.NumericDate, error) { return c.ExpiresAt, nil }
func (c *tokenClaims) GetIssuedAt() (*jwt.NumericDate, error)       { return c.IssuedAt, nil }
func (c *tokenClaims) GetNotBefore() (*jwt.NumericDate, error)      { return c.NotBefore, nil }
func (c *tokenClaims) GetIssuer() (string, error)                   { return c.Issuer, nil }
func (c *tokenClaims) GetSubject() (string, error)                  { return c.Subject, nil }
func (c *tokenClaims) GetAudience() (jwt.ClaimStrings, error)       { return c.Audience, nil }

// errClaims is what Validate reports; the parser wraps it in
// jwt.ErrTokenInvalidClaims.
var errClaims = errors.New("the token's claims are not those of a certificate")

// Validate adds our own rules to the standard ones: every claim we write must
// be there, and sub and jti must both be the same well-formed id.
func (c *tokenClaims) Validate() error {
	if c.IssuedAt == nil || c.NotBefore == nil || c.Name == "" || c.Tier == "" {
		return errClaims
	}
	id, err := ParseID(c.ID)
	if err != nil || id != c.ID || c.Subject != c.ID {
		return errClaims
	}
	return nil
}

var b64 = base64.RawURLEncoding

// signToken writes the compact JWS for c with key k.
func signToken(k *signingKey, issuer string, c *Credential) (string, error) {
	h, err := json.Marshal(tokenHeader{Alg: jwt.SigningMethodEdDSA.Alg(), Typ: tokenType, Kid: k.kid})
	if err != nil {
		return "", err
	}
	p, err := json.Marshal(issuedClaims{
		Issuer:    issuer,
		Audience:  tokenAudience,
		Subject:   c.ID,
		ID:        c.ID,
		IssuedAt:  c.IssuedAt.Unix(),
		NotBefore: c.IssuedAt.Unix(),
		ExpiresAt: c.ExpiresAt.Unix(),
		Name:      c.HolderName,
		Tier:      c.Tier,
		TierName:  c.TierName,
	})
	if err != nil {
		return "", err
	}
	input := b64.EncodeToString(h) + "." + b64.EncodeToString(p)
	sig, err := jwt.SigningMethodEdDSA.Sign(input, k.priv.k)
	if err != nil {
		return "", fmt.Errorf("sign token: %w", err)
	}
	return input + "." + b64.EncodeToString(sig), nil
}

// newParser is the one place the verification rules are set. timeFn is the
// service clock.
func newParser(issuer string, timeFn func() time.Time) *jwt.Parser {
	return jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodEdDSA.Alg()}),
		jwt.WithIssuer(issuer),
		jwt.WithAudience(tokenAudience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithStrictDecoding(),
		jwt.WithLeeway(leeway),
		jwt.WithTimeFunc(timeFn),
	)
}

// Errors the key function returns; invalidReason words them for people.
var (
	errNotCertToken = errors.New("not a certificate token")
	errUnknownKey   = errors.New("unknown signing key")
)

// invalidReason turns a parser error into a plain sentence. Reasons are shown
// to employers; they say which check failed, nothing more.
func invalidReason(err error) (code, reason string) {
	switch {
	case errors.Is(err, errNotCertToken):
		return "not_cert_token", "The token is not a mopscert certificate token."
	case errors.Is(err, errUnknownKey):
		return "unknown_key", "The token was not signed by a key of this issuer."
	case errors.Is(err, jwt.ErrTokenMalformed):
		return "token_malformed", "The token is malformed."
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenUnverifiable):
		return "signature_mismatch", "The signature does not match: this certificate link was altered or forged."
	case errors.Is(err, jwt.ErrTokenInvalidIssuer):
		return "wrong_issuer", "The token was issued by someone else."
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		return "wrong_audience", "The token is not meant for certificate verification."
	case errors.Is(err, jwt.ErrTokenNotValidYet), errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return "not_valid_yet", "The token is not valid yet."
	default:
		return "bad_claims", "The token's claims are not those of a certificate."
	}
}

// onlyExpired reports whether err says the signature was good and the claims
// failed for no reason but expiry. The parser validates claims only after
// the signature verified, so ErrTokenInvalidClaims implies a good signature;
// the claims are then checked again at the last second before expiry, and
// anything still failing there (issuer, audience, our own rules) makes the
// token invalid rather than expired.
func onlyExpired(err error, c *tokenClaims, issuer string) bool {
	if !errors.Is(err, jwt.ErrTokenInvalidClaims) || !errors.Is(err, jwt.ErrTokenExpired) ||
		errors.Is(err, jwt.ErrTokenSignatureInvalid) || errors.Is(err, jwt.ErrTokenUnverifiable) ||
		errors.Is(err, jwt.ErrTokenMalformed) || c.ExpiresAt == nil {
		return false
	}
	justBefore := c.ExpiresAt.Add(-time.Second)
	v := jwt.NewValidator(
		jwt.WithIssuer(issuer),
		jwt.WithAudience(tokenAudience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(func() time.Time { return justBefore }),
	)
	return v.Validate(c) == nil
}
