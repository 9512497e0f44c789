package cert

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Keys live in the signing_keys table; keys are never deleted or changed, so
// a copy in memory can never be stale, only incomplete. The newest key (the
// highest seq) signs. Each process caches what it has seen:
//
//   - verifying looks a kid up in an in-memory map of public keys and, on a
//     miss, reads that one row, so a key another process just made is found at
//     the cost of one indexed read (the same as the status read every
//     verification does anyway; unknown kids are not remembered, so random
//     kids cannot grow the map);
//   - signing asks the write transaction for the newest kid (one indexed read
//     inside a transaction the caller already holds) and loads the private key
//     only when that kid differs from the one it holds, so a rotation by
//     another process takes effect on the very next certificate.

// signingKey is one Ed25519 key pair. It never prints or marshals its private
// half: String, GoString, LogValue and MarshalJSON show the kid only, and the
// seed sits behind a pointer, which fmt does not follow inside structs.
type signingKey struct {
	kid  string
	pub  ed25519.PublicKey
	priv *secretKey // nil for verify-only copies
}

// secretKey holds a private key; it redacts itself wherever it is printed.
type secretKey struct{ k ed25519.PrivateKey }

func (secretKey) String() string               { return "[redacted]" }
func (secretKey) GoString() string             { return "[redacted]" }
func (secretKey) LogValue() slog.Value         { return slog.StringValue("[redacted]") }
func (secretKey) MarshalJSON() ([]byte, error) { return []byte(`"[redacted]"`), nil }

func (k signingKey) String() string   { return "signing key " + k.kid }
func (k signingKey) GoString() string { return "cert.signingKey{kid: " + k.kid + "}" }

// LogValue logs the kid only.
func (k signingKey) LogValue() slog.Value { return slog.StringValue(k.kid) }

// MarshalJSON writes the public JWK: there is no way to serialise the seed.
func (k signingKey) MarshalJSON() ([]byte, error) { return json.Marshal(k.jwk()) }

// newSigningKey derives a key pair from a 32-byte seed.
func newSigningKey(seed []byte) (*signingKey, error) {
	if len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("ed25519 seed has %d bytes, want %d", len(seed), ed25519.SeedSize)
	}
	priv := ed25519.NewKeyFromSeed(seed)
	pub := priv.Public().(ed25519.PublicKey)
	return &signingKey{kid: thumbprint(pub), pub: pub, priv: &secretKey{priv}}, nil
}

// thumbprint is the RFC 7638 JWK thumbprint of an Ed25519 public key: SHA-256
// over the required members in lexicographic order with no whitespace
// (RFC 8037 §2 names crv, kty and x), base64url without padding.
func thumbprint(pub ed25519.PublicKey) string {
	in := `{"crv":"Ed25519","kty":"OKP","x":"` + base64.RawURLEncoding.EncodeToString(pub) + `"}`
	sum := sha256.Sum256([]byte(in))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func (k *signingKey) jwk() JWK {
	return JWK{Kty: "OKP", Crv: "Ed25519", X: base64.RawURLEncoding.EncodeToString(k.pub), Kid: k.kid, Alg: "EdDSA", Use: "sig"}
}

// validKid reports whether s could be one of our kids (a base64url SHA-256),
// so junk from a token header never reaches the database.
func validKid(s string) bool {
	if len(s) != 43 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// keyring is the per-process cache described at the top of this file.
type keyring struct {
	mu     sync.RWMutex
	public map[string]ed25519.PublicKey
	signer *signingKey // the newest key this process has signed with
}

func newKeyring() *keyring { return &keyring{public: make(map[string]ed25519.PublicKey)} }

// publicKey returns the public key for kid, reading the row on a miss.
func (r *keyring) publicKey(ctx context.Context, db *sql.DB, kid string) (ed25519.PublicKey, bool, error) {
	if !validKid(kid) {
		return nil, false, nil
	}
	r.mu.RLock()
	pub, ok := r.public[kid]
	r.mu.RUnlock()
	if ok {
		return pub, true, nil
	}
	var b []byte
	err := db.QueryRowContext(ctx, `SELECT public_key FROM signing_keys WHERE kid = ?`, kid).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read signing key: %w", err)
	}
	if len(b) != ed25519.PublicKeySize || thumbprint(b) != kid {
		return nil, false, fmt.Errorf("signing key %s is corrupt", kid)
	}
	pub = ed25519.PublicKey(b)
	r.mu.Lock()
	r.public[kid] = pub
	r.mu.Unlock()
	return pub, true, nil
}

// currentSigner returns the newest key, read inside the caller's write
// transaction so that a rotation committed by any process is honoured.
func (r *keyring) currentSigner(ctx context.Context, tx *sql.Tx) (*signingKey, error) {
	var kid string
	err := tx.QueryRowContext(ctx, `SELECT kid FROM signing_keys ORDER BY seq DESC LIMIT 1`).Scan(&kid)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errors.New("no signing key: cert.New creates one")
	}
	if err != nil {
		return nil, fmt.Errorf("read newest signing key: %w", err)
	}
	r.mu.RLock()
	k := r.signer
	r.mu.RUnlock()
	if k != nil && k.kid == kid {
		return k, nil
	}
	var seed []byte
	if err := tx.QueryRowContext(ctx, `SELECT private_key FROM signing_keys WHERE kid = ?`, kid).Scan(&seed); err != nil {
		return nil, fmt.Errorf("read signing key: %w", err)
	}
	k, err = newSigningKey(seed)
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %w", kid, err)
	}
	if k.kid != kid {
		return nil, fmt.Errorf("signing key %s is corrupt", kid)
	}
	r.mu.Lock()
	r.signer = k
	r.public[k.kid] = k.pub
	r.mu.Unlock()
	return k, nil
}

// createKey makes a new key pair and stores it as the newest.
func createKey(ctx context.Context, tx *sql.Tx, now time.Time) (*signingKey, error) {
	seed := make([]byte, ed25519.SeedSize)
	if _, err := rand.Read(seed); err != nil {
		return nil, fmt.Errorf("generate key: %w", err)
	}
	k, err := newSigningKey(seed)
	if err != nil {
		return nil, err
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO signing_keys (kid, seq, private_key, public_key, created_at)
		VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM signing_keys), ?, ?, ?)`,
		k.kid, seed, []byte(k.pub), now)
	if err != nil {
		return nil, fmt.Errorf("store signing key: %w", err)
	}
	return k, nil
}

// Rotate makes a new signing key; certificates issued from now on carry its
// kid. Older keys stay valid for verification and stay in the JWKS while
// any certificate they signed is unexpired.
func (s *Service) Rotate(ctx context.Context) (string, error) {
	var k *signingKey
	err := s.db.Update(ctx, func(tx *sql.Tx) error {
		var err error
		k, err = createKey(ctx, tx, s.clk.Now().UTC())
		return err
	})
	if err != nil {
		return "", err
	}
	s.keys.mu.Lock()
	s.keys.public[k.kid] = k.pub
	s.keys.mu.Unlock()
	return k.kid, nil
}

// JWKS returns the public keys a verifier needs: the newest key (it signs
// what is issued next) plus every older key that signed a certificate that
// has not yet expired. Revoked certificates keep their key listed: the
// signature stays genuine; revocation is only known through the API.
func (s *Service) JWKS(ctx context.Context) (JWKS, error) {
	set := JWKS{Keys: []JWK{}}
	err := s.db.View(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `
			SELECT k.kid, k.public_key FROM signing_keys k
			WHERE k.seq = (SELECT MAX(seq) FROM signing_keys)
			   OR EXISTS (SELECT 1 FROM credentials c WHERE c.kid = k.kid AND c.expires_at > ?)
			ORDER BY k.seq DESC`, s.clk.Now().UTC())
		if err != nil {
			return fmt.Errorf("read signing keys: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var kid string
			var pub []byte
			if err := rows.Scan(&kid, &pub); err != nil {
				return fmt.Errorf("read signing keys: %w", err)
			}
			k := signingKey{kid: kid, pub: pub}
			set.Keys = append(set.Keys, k.jwk())
		}
		return rows.Err()
	})
	if err != nil {
		return JWKS{}, err
	}
	return set, nil
}
