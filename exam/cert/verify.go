package cert

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Verification answers are built here. The order of checks matters: the
// signature comes first, so a forged token never reveals whether its id
// exists or whose it is; expiry is reported only for a genuine token.

// internalError marks a failure on our side (the database) as opposed to a
// bad token; the key function returns it and Verify passes it on in Err.
type internalError struct{ err error }

func (e internalError) Error() string { return e.err.Error() }
func (e internalError) Unwrap() error { return e.err }

// checkErr is the Verification for a failure on our side: the caller should
// answer with a server error rather than show the status.
func checkErr(err error) Verification {
	return Verification{Status: StatusInvalid, ReasonCode: "check_failed", Reason: "The certificate could not be checked just now; please try again later.", Err: err}
}

// invalid is a Verification that failed, with a code for callers that word
// it themselves (web, in the reader's language) and the English sentence.
func invalid(code, reason string) Verification {
	return Verification{Status: StatusInvalid, ReasonCode: code, Reason: reason}
}

// Verify checks a token: its signature against our own keys, its header and
// claims, and then the certificate's row for revocation and expiry.
func (s *Service) Verify(ctx context.Context, token string) Verification {
	token = strings.TrimSpace(token)
	switch {
	case token == "":
		return invalid("no_token", "No token was given.")
	case len(token) > maxTokenLen:
		return invalid("token_too_long", "The token is too long to be a certificate token.")
	}
	// A token seen before has had its signature and claims checked; only
	// its row (revocation, expiry) can have changed since.
	if id, ok := s.verified.get(token); ok {
		return s.verifyRow(ctx, id)
	}
	var claims tokenClaims
	_, err := s.parser.ParseWithClaims(token, &claims, func(t *jwt.Token) (any, error) {
		// The key comes only from our own set, chosen by kid. jku, x5u,
		// x5c and an embedded jwk are ignored: trusting them would let
		// the token bring the key that verifies it.
		if typ, _ := t.Header["typ"].(string); typ != tokenType {
			return nil, errNotCertToken
		}
		if _, ok := t.Header["crit"]; ok {
			// RFC 7515 §4.1.11: extensions we do not understand must fail.
			return nil, errNotCertToken
		}
		kid, _ := t.Header["kid"].(string)
		pub, ok, err := s.keys.publicKey(ctx, s.db.R, kid)
		if err != nil {
			return nil, internalError{err}
		}
		if !ok {
			return nil, errUnknownKey
		}
		return pub, nil
	})
	if err != nil {
		var ie internalError
		if errors.As(err, &ie) {
			return checkErr(ie.err)
		}
		if !onlyExpired(err, &claims, s.baseURL) {
			return invalid(invalidReason(err))
		}
	} else {
		s.verified.put(token, claims.ID)
	}
	return s.verifyRow(ctx, claims.ID)
}

// verifyRow finishes a check whose token is genuine: the signature is ours,
// so the id is one we issued; the row decides the status and supplies what
// is shown. One autocommit read, no transaction.
func (s *Service) verifyRow(ctx context.Context, id string) Verification {
	c, err := findWhere(ctx, s.db.R, `id = ?`, id)
	if errors.Is(err, ErrNotFound) {
		return invalid("not_issued", "No certificate with this id was issued.")
	}
	if err != nil {
		return checkErr(err)
	}
	return s.verification(&c)
}

// VerifyID checks a certificate by the id printed on it.
func (s *Service) VerifyID(ctx context.Context, id string) Verification {
	canon, err := ParseID(id)
	if err != nil {
		return invalid("not_an_id", "This is not a certificate id; ids look like MOPS-7K2D-9QXH-M4TB.")
	}
	c, err := s.Find(ctx, canon)
	if errors.Is(err, ErrNotFound) {
		return invalid("unknown_id", "No certificate has this id.")
	}
	if err != nil {
		return checkErr(err)
	}
	return s.verification(&c)
}

// verification reports a certificate's row as it stands now.
func (s *Service) verification(c *Credential) Verification {
	v := Verification{Status: c.statusAt(s.clk.Now().UTC()), Certificate: c.Public(), Issuer: s.baseURL}
	switch v.Status {
	case StatusRevoked:
		at := *c.RevokedAt
		v.RevokedAt = &at
		v.RevokedReason = c.RevokedReason
		v.Reason = fmt.Sprintf("The certificate was revoked on %s.", longDate(at))
	case StatusSuperseded:
		v.SupersededBy = c.SupersededBy
		v.Reason = fmt.Sprintf("The certificate was renewed; certificate %s replaces it.", c.SupersededBy)
	case StatusExpired:
		v.Reason = fmt.Sprintf("The certificate is genuine but expired on %s.", longDate(c.ExpiresAt))
		if now := s.clk.Now().UTC(); c.InGrace(now) {
			g := *c.GraceUntil
			v.GraceUntil = &g
			v.Reason = fmt.Sprintf("The certificate expired on %s — renewal in progress until %s.", longDate(c.ExpiresAt), longDate(g))
		}
	default:
		v.Reason = fmt.Sprintf("The certificate is genuine and valid until %s.", longDate(c.ExpiresAt))
	}
	return v
}

// longDate writes a date the way the PDF prints it: 2 January 2026 (UTC).
func longDate(t time.Time) string { return t.UTC().Format("2 January 2006") }

// VerifyPDF checks the certificate PDF someone uploaded, by the token written
// into its metadata.
func (s *Service) VerifyPDF(ctx context.Context, pdf []byte) Verification {
	switch {
	case len(pdf) > maxPDFSize:
		return invalid("file_too_large", "The file is too large to be a mopscert certificate.")
	case !isPDF(pdf):
		return invalid("not_pdf", "The file is not a PDF.")
	}
	tokens := pdfTokens(pdf)
	if len(tokens) == 0 {
		return invalid("pdf_without_token", "The PDF does not carry a mopscert certificate token.")
	}
	// A PDF may carry more than one token-like string; the first one that
	// is genuine decides. Each candidate is bounded, and so is their number.
	var first Verification
	for i, t := range tokens {
		v := s.Verify(ctx, t)
		if v.Status != StatusInvalid || v.Err != nil {
			return v
		}
		if i == 0 {
			first = v
		}
	}
	return first
}
