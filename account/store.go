package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mopscert/mopscert/clock"
	"github.com/mopscert/mopscert/db"
)

// Session lifetimes: a session ends after IdleTimeout without use, and in any
// case MaxAge after sign-in. IdleTimeout is longer than the longest exam with
// the largest accommodation, so nobody is signed out mid-exam.
const (
	IdleTimeout = 12 * time.Hour
	MaxAge      = 14 * 24 * time.Hour
	// touchEvery limits sliding-expiry writes to one per session per period
	// instead of one per request (autosaves would otherwise each write).
	touchEvery = 5 * time.Minute
)

// Store keeps users and sessions.
type Store struct {
	db       *db.DB
	clock    clock.Clock
	sessions sessionCache
	// VerifyEmails is on when mail is configured: new candidates get a
	// verification link and must follow it before their first exam.
	VerifyEmails bool
}

// NewStore returns a Store on d.
func NewStore(d *db.DB, clk clock.Clock) *Store { return &Store{db: d, clock: clk} }

// Session is a signed-in browser or API client.
type Session struct {
	UserID    string
	CSRFToken string
	CreatedAt time.Time
	LastSeen  time.Time
	ExpiresAt time.Time
}

const userColumns = `id, email, name, role, language, created_at`

func scanUser(r interface{ Scan(...any) error }) (*User, error) {
	var u User
	if err := r.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.Language, &u.CreatedAt); err != nil {
		return nil, err
	}
	return &u, nil
}

// Register creates a user with role after validating the registration.
func (s *Store) Register(ctx context.Context, r Registration, role Role) (*User, error) {
	r.Normalize()
	if err := r.Validate(); err != nil {
		return nil, err
	}
	hash, err := HashPasswordContext(ctx, r.Password)
	if err != nil {
		return nil, err
	}
	lang := r.Language
	if !ValidLanguage(lang) {
		lang = Languages[0]
	}
	u := &User{ID: db.NewID("u"), Email: r.Email, Name: r.Name, Role: role, Language: lang, CreatedAt: s.clock.Now()}
	err = s.db.Update(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users (id, email, email_norm, name, password_hash, role, language, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, u.ID, u.Email, EmailKey(u.Email), u.Name, hash, u.Role, u.Language, u.CreatedAt)
		if db.IsUniqueViolation(err) {
			return ErrEmailTaken
		}
		if err != nil {
			return fmt.Errorf("insert user: %w", err)
		}
		return s.afterRegister(ctx, tx, u)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// EmailKey is what users.email_norm holds for an address: the address with
// ASCII letters folded, as SQLite's NOCASE compared it before the column
// existed (migration 00015 backfilled it with SQLite's ASCII-only lower()).
// Every lookup and uniqueness check by e-mail goes through it, on both
// stores.
func EmailKey(email string) string {
	b := []byte(email)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// afterRegister sends a candidate the verification link when verification is
// on. Admins, created by the operator, count as verified. A candidate who
// registered while mail was off is asked to verify once mail is configured.
func (s *Store) afterRegister(ctx context.Context, tx *sql.Tx, u *User) error {
	if u.Role == Admin {
		_, err := tx.ExecContext(ctx, `UPDATE users SET email_verified_at = ? WHERE id = ?`, u.CreatedAt, u.ID)
		return err
	}
	if !s.VerifyEmails {
		return nil
	}
	return verifyMail(ctx, tx, u.CreatedAt, u.ID, u.Name, u.Email)
}

// Authenticate returns the user whose e-mail and password match.
func (s *Store) Authenticate(ctx context.Context, email, password string) (*User, error) {
	var hash string
	email, _ = CanonicalEmail(email)
	row := s.db.R.QueryRowContext(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE email_norm = ?`, EmailKey(email))
	var u User
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.Language, &u.CreatedAt, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		if _, err := CheckPasswordHashContext(ctx, dummyHash, password); errors.Is(err, ErrBusy) {
			return nil, err
		}
		return nil, ErrInvalidCredentials
	}
	if err != nil {
		return nil, fmt.Errorf("find user: %w", err)
	}
	ok, err := CheckPasswordHashContext(ctx, hash, password)
	if errors.Is(err, ErrBusy) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("check password of %s: %w", u.ID, err)
	}
	if !ok {
		return nil, ErrInvalidCredentials
	}
	return &u, nil
}

// FindUserByID returns a user.
func (s *Store) FindUserByID(ctx context.Context, id string) (*User, error) {
	u, err := scanUser(s.db.R.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find user %s: %w", id, err)
	}
	return u, nil
}

// FindUserByEmail returns a user.
func (s *Store) FindUserByEmail(ctx context.Context, email string) (*User, error) {
	email, _ = CanonicalEmail(email)
	u, err := scanUser(s.db.R.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE email_norm = ?`, EmailKey(email)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find user %s: %w", email, err)
	}
	return u, nil
}

// Users lists users, newest first, optionally matching q in name or e-mail.
func (s *Store) Users(ctx context.Context, q string, limit, offset int) ([]*User, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	like := "%" + strings.ToLower(strings.TrimSpace(q)) + "%"
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+userColumns+` FROM users
		WHERE lower(email) LIKE ? OR lower(name) LIKE ? ORDER BY created_at DESC LIMIT ? OFFSET ?`, like, like, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []*User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// HasAdmin reports whether any admin exists.
func (s *Store) HasAdmin(ctx context.Context) (bool, error) {
	var n int
	if err := s.db.R.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE role = 'admin'`).Scan(&n); err != nil {
		return false, fmt.Errorf("count admins: %w", err)
	}
	return n > 0, nil
}

// NewToken returns n random bytes, base64url-encoded.
func NewToken(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken is how a session token is stored: SHA-256, hex. Tokens are 256
// random bits, so a fast hash is enough (no dictionary to attack).
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CreateSession signs a user in and returns the secret token (shown once).
func (s *Store) CreateSession(ctx context.Context, userID string) (string, *Session, error) {
	token := randomToken(32)
	now := s.clock.Now()
	sess := &Session{UserID: userID, CSRFToken: randomToken(24), CreatedAt: now, LastSeen: now, ExpiresAt: now.Add(IdleTimeout)}
	err := s.db.Update(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < ?`, now); err != nil {
			return fmt.Errorf("prune sessions: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?)`, HashToken(token), userID, sess.CSRFToken, now, now, sess.ExpiresAt)
		if err != nil {
			return fmt.Errorf("insert session: %w", err)
		}
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	return token, sess, nil
}

// SessionUser returns the user and session for a token, sliding the expiry
// forward. An unknown, expired or too old token is ErrUnauthenticated.
func (s *Store) SessionUser(ctx context.Context, token string) (*User, *Session, error) {
	if token == "" || len(token) > 100 {
		return nil, nil, ErrUnauthenticated
	}
	h := HashToken(token)
	now := s.clock.Now()
	if e, ok := s.sessions.get(h, now); ok {
		if !now.Before(e.sess.ExpiresAt) || !now.Before(e.sess.CreatedAt.Add(MaxAge)) {
			return nil, nil, ErrUnauthenticated
		}
		u, sess := e.user, e.sess
		return &u, &sess, nil
	}
	var u User
	var sess Session
	err := s.db.R.QueryRowContext(ctx, `SELECT u.id, u.email, u.name, u.role, u.language, u.created_at,
			s.csrf_token, s.created_at, s.last_seen_at, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`, h).
		Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.Language, &u.CreatedAt, &sess.CSRFToken, &sess.CreatedAt, &sess.LastSeen, &sess.ExpiresAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, ErrUnauthenticated
	}
	if err != nil {
		return nil, nil, fmt.Errorf("find session: %w", err)
	}
	sess.UserID = u.ID
	if !now.Before(sess.ExpiresAt) || !now.Before(sess.CreatedAt.Add(MaxAge)) {
		return nil, nil, ErrUnauthenticated
	}
	if now.Sub(sess.LastSeen) >= touchEvery {
		touched := sess
		touched.LastSeen, touched.ExpiresAt = now, now.Add(IdleTimeout)
		if exp := touched.CreatedAt.Add(MaxAge); touched.ExpiresAt.After(exp) {
			touched.ExpiresAt = exp
		}
		err := s.db.Batch(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE token_hash = ?`, touched.LastSeen, touched.ExpiresAt, h)
			return err
		})
		if err != nil {
			// Not fatal: with the disk full, signed-in reads must keep
			// working. The session keeps its stored expiry and is not
			// cached, so the next request tries the refresh again.
			return &u, &sess, nil
		}
		sess = touched
	}
	s.sessions.put(h, cachedSession{user: u, sess: sess, fetched: now})
	return &u, &sess, nil
}

// DeleteSession signs a token out. Unknown tokens are not an error.
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	h := HashToken(token)
	s.sessions.drop(h)
	// Dropped again after the delete: a lookup racing the logout may have
	// cached the row in between.
	defer s.sessions.drop(h)
	return s.db.Update(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, h); err != nil {
			return fmt.Errorf("delete session: %w", err)
		}
		return nil
	})
}

// EnsureAdmin creates the first admin when no admin exists. With an empty
// password it generates one and returns it (to be shown once); otherwise it
// returns "".
func (s *Store) EnsureAdmin(ctx context.Context, email, name, password string) (created *User, generated string, err error) {
	has, err := s.HasAdmin(ctx)
	if err != nil || has {
		return nil, "", err
	}
	if email == "" {
		email = "admin@localhost.localdomain"
	}
	if name == "" {
		name = "Administrator"
	}
	if password == "" {
		generated = randomToken(15)
		password = generated
	}
	u, err := s.Register(ctx, Registration{Email: email, Name: name, Password: password}, Admin)
	if err != nil {
		return nil, "", fmt.Errorf("create first admin %s: %w", email, err)
	}
	return u, generated, nil
}
