package cert

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/text/unicode/norm"

	"github.com/mopscert/mopscert/apperr"
	"github.com/mopscert/mopscert/clock"
	"github.com/mopscert/mopscert/db"
)

// Service issues, finds, revokes and verifies certificates. It is safe for
// concurrent use; several processes may share one database.
type Service struct {
	db       *db.DB
	clk      clock.Clock
	baseURL  string // no trailing slash; also the token's iss
	host     string // the issuer as printed on the PDF
	keys     *keyring
	parser   *jwt.Parser
	pdfs     *lru[[]byte] // rendered PDFs by token
	verified *lru[string] // credential id by token whose signature and claims passed
	orgName  string       // the issuer's name in Open Badges and LinkedIn links
	lists    *statusListCache
}

// Limits on what IssueTx accepts.
const (
	maxNameRunes = 200
	maxCodeLen   = 64
	maxRefLen    = 200
)

// New returns a Service for the public base URL (e.g.
// https://cert.example.org), creating the first signing key if the database
// has none.
func New(ctx context.Context, d *db.DB, clk clock.Clock, baseURL string) (*Service, error) {
	s, err := Open(d, clk, baseURL)
	if err != nil {
		return nil, err
	}
	if err := s.EnsureKey(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// Open is New without creating the first signing key: commands that only
// read (bank lint, export) must not change the database's keys.
func Open(d *db.DB, clk clock.Clock, baseURL string) (*Service, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("cert: base URL %q must be an absolute http(s) URL", baseURL)
	}
	s := &Service{db: d, clk: clk, baseURL: u.String(), host: u.Host, keys: newKeyring(),
		pdfs: newLRU[[]byte](pdfCacheEntries), verified: newLRU[string](verifiedCacheEntries),
		orgName: DefaultOrgName, lists: &statusListCache{lists: map[string]signedList{}}}
	s.parser = newParser(s.baseURL, func() time.Time { return s.clk.Now() })
	return s, nil
}

// EnsureKey creates the first signing key when there is none. The check and
// the insert share one write transaction, so two processes starting at once
// make one key.
func (s *Service) EnsureKey(ctx context.Context) error {
	err := s.db.Update(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM signing_keys`).Scan(&n); err != nil {
			return fmt.Errorf("count signing keys: %w", err)
		}
		if n > 0 {
			return nil
		}
		_, err := createKey(ctx, tx, s.clk.Now().UTC())
		return err
	})
	if err != nil {
		return fmt.Errorf("cert: %w", err)
	}
	return nil
}

// BaseURL is the public URL tokens name as their issuer.
func (s *Service) BaseURL() string { return s.baseURL }

// verifyURL is the link printed and QR-coded on the PDF.
func (s *Service) verifyURL(token string) string { return s.baseURL + "/verify/" + token }

// shortVerifyURL is the form short enough to type from paper.
func (s *Service) shortVerifyURL(id string) string { return s.baseURL + "/verify?id=" + id }

// fill sets the fields that are computed on every read.
func (s *Service) fill(c *Credential, now time.Time) {
	c.Status = c.statusAt(now)
	c.VerifyURL = s.verifyURL(c.Token)
	c.LinkedInURL = s.linkedInURL(c)
	c.RenewalInfo = c.Renewal()
}

func validateIssue(req *IssueRequest) error {
	fields := map[string]string{}
	req.HolderName = norm.NFC.String(strings.TrimSpace(req.HolderName))
	req.TierName = strings.TrimSpace(req.TierName)
	switch {
	case req.HolderName == "":
		fields["holder_name"] = "The name to print is required."
	case !utf8.ValidString(req.HolderName) || utf8.RuneCountInString(req.HolderName) > maxNameRunes:
		fields["holder_name"] = fmt.Sprintf("The name must be valid text of at most %d characters.", maxNameRunes)
	case strings.IndexFunc(req.HolderName, unicode.IsControl) >= 0:
		fields["holder_name"] = "The name must not contain control characters."
	}
	if req.Tier == "" || len(req.Tier) > maxCodeLen {
		fields["tier"] = "The tier code is required."
	}
	if req.TierName == "" || utf8.RuneCountInString(req.TierName) > maxNameRunes {
		fields["tier_name"] = "The tier name is required."
	}
	if req.AttemptID == "" || len(req.AttemptID) > maxRefLen {
		fields["attempt_id"] = "The attempt is required."
	}
	if req.UserID == "" || len(req.UserID) > maxRefLen {
		fields["user_id"] = "The holder's account is required."
	}
	if req.ValidFor < time.Minute { // times are kept in whole seconds
		fields["valid_for"] = "The validity must be at least a minute."
	}
	if len(fields) > 0 {
		return apperr.Fielded(fields)
	}
	return nil
}

// IssueTx issues the certificate for a passed attempt inside the caller's
// write transaction, so the result and its certificate commit together. It is
// idempotent per attempt: a second call returns the certificate the first
// one made, whatever the request says.
func (s *Service) IssueTx(ctx context.Context, tx *sql.Tx, req IssueRequest) (Credential, error) {
	now := s.clk.Now().UTC()
	if req.AttemptID != "" {
		c, err := findWhere(ctx, tx, `attempt_id = ?`, req.AttemptID)
		if err == nil {
			s.fill(&c, now)
			return c, nil
		}
		if !errors.Is(err, ErrNotFound) {
			return Credential{}, err
		}
	}
	if err := validateIssue(&req); err != nil {
		return Credential{}, err
	}
	k, err := s.keys.currentSigner(ctx, tx)
	if err != nil {
		return Credential{}, err
	}
	id, err := freshID(ctx, tx)
	if err != nil {
		return Credential{}, err
	}
	// Whole seconds: the token's NumericDates carry no more, and the row
	// and the token must agree.
	issued := now.Truncate(time.Second)
	expires := issued.Add(req.ValidFor).Truncate(time.Second)
	awarded, err := awardedAt(ctx, tx, req, issued, &expires)
	if err != nil {
		return Credential{}, err
	}
	c := Credential{
		ID:         id,
		AttemptID:  req.AttemptID,
		UserID:     req.UserID,
		HolderName: req.HolderName,
		Tier:       req.Tier,
		TierName:   req.TierName,
		IssuedAt:   issued,
		ExpiresAt:  expires,
		Kid:        k.kid,
		AwardedAt:  awarded,
	}
	if req.RenewalWindow > 0 || req.Grace > 0 {
		o, g := c.ExpiresAt.Add(-req.RenewalWindow), c.ExpiresAt.Add(req.Grace)
		c.RenewalOpensAt, c.GraceUntil = &o, &g
	}
	if c.Token, err = signToken(k, s.baseURL, &c); err != nil {
		return Credential{}, err
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO credentials (id, attempt_id, user_id, holder_name, tier_code, tier_name,
		                         issued_at, expires_at, kid, token, awarded_at, renewal_opens_at, grace_until)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.AttemptID, c.UserID, c.HolderName, c.Tier, c.TierName, c.IssuedAt, c.ExpiresAt, c.Kid, c.Token,
		c.AwardedAt, c.RenewalOpensAt, c.GraceUntil)
	if err != nil {
		return Credential{}, fmt.Errorf("store certificate: %w", err)
	}
	if err := supersede(ctx, tx, req, c.ID); err != nil {
		return Credential{}, err
	}
	s.fill(&c, now)
	return c, nil
}

// freshID draws ids until one is unused. With 60 random bits a collision is
// all but impossible; the check makes it impossible.
func freshID(ctx context.Context, tx *sql.Tx) (string, error) {
	for range 5 {
		id := NewID()
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM credentials WHERE id = ?`, id).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return id, nil
		}
		if err != nil {
			return "", fmt.Errorf("check certificate id: %w", err)
		}
	}
	return "", errors.New("could not draw an unused certificate id")
}

// Issue is IssueTx in a transaction of its own.
func (s *Service) Issue(ctx context.Context, req IssueRequest) (Credential, error) {
	var c Credential
	err := s.db.Update(ctx, func(tx *sql.Tx) error {
		var err error
		c, err = s.IssueTx(ctx, tx, req)
		return err
	})
	return c, err
}

// Find returns the certificate with this id, in any spelling ParseID accepts.
func (s *Service) Find(ctx context.Context, id string) (Credential, error) {
	id, err := ParseID(id)
	if err != nil {
		return Credential{}, ErrNotFound
	}
	var c Credential
	err = s.db.View(ctx, func(tx *sql.Tx) error {
		c, err = s.FindTx(ctx, tx, id)
		return err
	})
	return c, err
}

// FindTx reads a certificate inside the caller's transaction, with its live
// status; the exam side uses it to show the certificate on a result.
func (s *Service) FindTx(ctx context.Context, tx *sql.Tx, id string) (Credential, error) {
	c, err := findWhere(ctx, tx, `id = ?`, id)
	if err != nil {
		return Credential{}, err
	}
	s.fill(&c, s.clk.Now().UTC())
	return c, nil
}

// ForUser returns a user's certificates, newest first.
func (s *Service) ForUser(ctx context.Context, userID string) ([]Credential, error) {
	var out []Credential
	err := s.db.View(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = queryCredentials(ctx, tx, `WHERE user_id = ? ORDER BY issued_at DESC, id`, userID)
		return err
	})
	if err != nil {
		return nil, err
	}
	now := s.clk.Now().UTC()
	for i := range out {
		s.fill(&out[i], now)
	}
	return out, nil
}

const credentialColumns = `id, attempt_id, user_id, holder_name, tier_code, tier_name,
	issued_at, expires_at, kid, token, revoked_at, revoked_public_reason, revoked_reason, revoked_by,
	awarded_at, superseded_by, renewal_opens_at, grace_until`

type scanner interface{ Scan(dest ...any) error }

func scanCredential(row scanner) (Credential, error) {
	var c Credential
	var attempt sql.NullString
	var revoked, opens, grace, awarded sql.NullTime
	var superseded sql.NullString
	err := row.Scan(&c.ID, &attempt, &c.UserID, &c.HolderName, &c.Tier, &c.TierName,
		&c.IssuedAt, &c.ExpiresAt, &c.Kid, &c.Token, &revoked, &c.RevokedReason, &c.RevokedNote, &c.RevokedBy,
		&awarded, &superseded, &opens, &grace)
	if err != nil {
		return Credential{}, err
	}
	c.AttemptID = attempt.String
	c.IssuedAt = c.IssuedAt.UTC()
	c.ExpiresAt = c.ExpiresAt.UTC()
	c.AwardedAt = c.IssuedAt
	if awarded.Valid {
		c.AwardedAt = awarded.Time.UTC()
	}
	c.SupersededBy = superseded.String
	if opens.Valid && grace.Valid {
		o, g := opens.Time.UTC(), grace.Time.UTC()
		c.RenewalOpensAt, c.GraceUntil = &o, &g
	}
	if revoked.Valid {
		t := revoked.Time.UTC()
		c.RevokedAt = &t
	}
	return c, nil
}

// findWhere reads one credential; cond is a constant SQL condition.
// queryer is a transaction or the read pool.
type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func findWhere(ctx context.Context, tx queryer, cond string, args ...any) (Credential, error) {
	c, err := scanCredential(tx.QueryRowContext(ctx, `SELECT `+credentialColumns+` FROM credentials WHERE `+cond, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return Credential{}, ErrNotFound
	}
	if err != nil {
		return Credential{}, fmt.Errorf("read certificate: %w", err)
	}
	return c, nil
}

// queryCredentials reads many; rest is constant SQL after FROM credentials.
func queryCredentials(ctx context.Context, tx *sql.Tx, rest string, args ...any) ([]Credential, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+credentialColumns+` FROM credentials `+rest, args...)
	if err != nil {
		return nil, fmt.Errorf("read certificates: %w", err)
	}
	defer rows.Close()
	out := []Credential{}
	for rows.Next() {
		c, err := scanCredential(rows)
		if err != nil {
			return nil, fmt.Errorf("read certificates: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read certificates: %w", err)
	}
	return out, nil
}
