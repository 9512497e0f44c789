// Package cert issues and verifies certificates: Ed25519 signing keys (kid,
// rotation, JWKS), the signed token, the PDF and revocation. It is a leaf: it
// knows nothing of HTTP or of attempts (attempt and user ids are opaque).
package cert

import (
	"time"

	"github.com/mopscert/mopscert/apperr"
)

// Status of a credential as an employer sees it.
const (
	StatusValid   = "valid"
	StatusExpired = "expired"
	StatusRevoked = "revoked"
	// StatusSuperseded: a renewal (or reissue) replaced it; SupersededBy
	// names the successor.
	StatusSuperseded = "superseded"
	StatusInvalid    = "invalid" // verification only: forged, altered or unknown
)

// Errors callers can match with errors.Is.
var (
	// ErrNotFound: no certificate has this id (or the id is not an id at all).
	ErrNotFound = apperr.New(apperr.NotFound, "certificate_not_found", "No certificate has this id.")
	// ErrAlreadyRevoked: a revoked certificate cannot be revoked again.
	ErrAlreadyRevoked = apperr.New(apperr.Conflict, "certificate_already_revoked", "This certificate is already revoked.")
)

// IssueRequest is what the exam side knows when a candidate passes.
type IssueRequest struct {
	AttemptID  string // opaque; one credential per attempt
	UserID     string // opaque owner reference
	HolderName string
	Tier       string // tier code
	TierName   string
	ValidFor   time.Duration

	// Renewal rules of the tier (zero: no renewal window, no grace).
	RenewalWindow time.Duration // how long before expiry a renewal may start
	Grace         time.Duration // how long after expiry a renewal may still finish
	// Renews is the credential this one renews, when the attempt was a
	// renewal: the new one keeps its awardedDate and supersedes it.
	Renews string
}

// Credential is an issued certificate. Status and VerifyURL are not stored:
// every read fills them in from the clock and the base URL.
type Credential struct {
	ID            string     `json:"id"`
	AttemptID     string     `json:"-"`
	UserID        string     `json:"-"`
	HolderName    string     `json:"holder_name"`
	Tier          string     `json:"tier"`
	TierName      string     `json:"tier_name"`
	IssuedAt      time.Time  `json:"issued_at"`
	ExpiresAt     time.Time  `json:"expires_at"`
	Status        string     `json:"status"`
	VerifyURL     string     `json:"verify_url"`
	Token         string     `json:"token"`
	Kid           string     `json:"-"`
	RevokedAt     *time.Time `json:"revoked_at,omitempty"`
	RevokedReason string     `json:"revoked_reason,omitempty"` // public reason code (Reason…)
	RevokedNote   string     `json:"revoked_note,omitempty"`   // internal: admins only
	RevokedBy     string     `json:"-"`

	AwardedAt      time.Time  `json:"awarded_at"`              // first award of this tier to the holder
	SupersededBy   string     `json:"superseded_by,omitempty"` // the renewal that replaced it
	RenewalOpensAt *time.Time `json:"-"`                       // see Renewal
	GraceUntil     *time.Time `json:"-"`

	// Filled on every read like Status: LinkedIn's add-to-profile link
	// (absent while revoked) and the renewal window where renewal applies.
	LinkedInURL string   `json:"linkedin_url,omitempty"`
	RenewalInfo *Renewal `json:"renewal,omitempty"`
}

// Renewal is when a credential can be renewed: from OpensAt, and after
// expiry until GraceUntil (suspended meanwhile), then it lapses.
type Renewal struct {
	OpensAt    time.Time `json:"opens_at"`
	GraceUntil time.Time `json:"grace_until"`
}

// Renewal returns the renewal window, or nil where renewal does not apply
// (revoked, superseded, or issued without renewal rules).
func (c *Credential) Renewal() *Renewal {
	if c.RenewalOpensAt == nil || c.GraceUntil == nil || c.RevokedAt != nil || c.SupersededBy != "" {
		return nil
	}
	return &Renewal{OpensAt: *c.RenewalOpensAt, GraceUntil: *c.GraceUntil}
}

// InGrace reports whether the credential has expired but may still be
// renewed: suspended in the status list, "renewal in progress".
func (c *Credential) InGrace(now time.Time) bool {
	return c.RevokedAt == nil && c.SupersededBy == "" && c.GraceUntil != nil &&
		!now.Before(c.ExpiresAt) && now.Before(*c.GraceUntil)
}

// statusAt is the credential's status at now: revoked wins over expired.
func (c *Credential) statusAt(now time.Time) string {
	switch {
	case c.RevokedAt != nil:
		return StatusRevoked
	case c.SupersededBy != "":
		return StatusSuperseded
	case !now.Before(c.ExpiresAt):
		return StatusExpired
	default:
		return StatusValid
	}
}

// Public is the part of a credential that anyone holding its token or id may
// see: no owner, attempt or revocation actor.
func (c *Credential) Public() *PublicCertificate {
	return &PublicCertificate{
		ID:         c.ID,
		HolderName: c.HolderName,
		Tier:       c.Tier,
		TierName:   c.TierName,
		IssuedAt:   c.IssuedAt,
		ExpiresAt:  c.ExpiresAt,
	}
}

// PublicCertificate is the certificate inside a Verification.
type PublicCertificate struct {
	ID         string    `json:"id"`
	HolderName string    `json:"holder_name"`
	Tier       string    `json:"tier"`
	TierName   string    `json:"tier_name"`
	IssuedAt   time.Time `json:"issued_at"`
	ExpiresAt  time.Time `json:"expires_at"`
}

// Verification is what an employer is told about a token, id or PDF.
// Certificate is nil whenever Status is invalid: a forged or altered token
// must not show anyone's name.
type Verification struct {
	Status string `json:"status"`
	Reason string `json:"reason"`
	// ReasonCode names Reason for callers that word it in another language
	// (for an invalid one; the other statuses are worded from their fields).
	ReasonCode    string             `json:"-"`
	Certificate   *PublicCertificate `json:"certificate"`
	RevokedAt     *time.Time         `json:"revoked_at,omitempty"`
	RevokedReason string             `json:"revoked_reason,omitempty"` // public reason code, never the note
	Issuer        string             `json:"issuer,omitempty"`         // the base URL that issued it
	// SupersededBy is the certificate that replaced this one (status
	// superseded); GraceUntil is set while an expired certificate may still
	// be renewed.
	SupersededBy string     `json:"superseded_by,omitempty"`
	GraceUntil   *time.Time `json:"grace_until,omitempty"`
	// Err is set when the check failed on our side (the database), not
	// because of the token: answer with a server error, not the status.
	Err error `json:"-"`
}

// Filter selects credentials for the admin list.
type Filter struct {
	Tier   string // tier code; empty for all
	Status string // valid, expired, revoked; empty for all
	Q      string // a certificate id (any spelling ParseID accepts) or part of a holder name
	Limit  int    // default 50, at most 500
	Offset int
}

// JWKS is the public key set at /.well-known/jwks.json.
type JWKS struct {
	Keys []JWK `json:"keys"`
}

// JWK is one Ed25519 public key (RFC 8037).
type JWK struct {
	Kty string `json:"kty"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Kid string `json:"kid"`
	Alg string `json:"alg"`
	Use string `json:"use"`
}
