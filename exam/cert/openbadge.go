package cert

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Every certificate is also an Open Badges 3.0 OpenBadgeCredential (W3C VC
// Data Model 2.0), secured with an eddsa-rdfc-2022 Data Integrity proof by
// the key that signed the certificate's token. It is made on first download
// and stored, so what a wallet holds never changes under it.

// DefaultOrgName is the issuer's name unless MOPSCERT_ORG_NAME says otherwise.
const DefaultOrgName = "mopscert"

// maxCredentialSize refuses oversized uploads before any JSON-LD work.
const maxCredentialSize = 64 << 10

// Achievement is what the exam side says about a tier; criteria is a
// plain-text narrative (the syllabus and the pass mark).
type Achievement struct {
	Tier        string
	Name        string
	Description string
	Criteria    string
}

// SetOrgName sets the issuer's name; call it before serving.
func (s *Service) SetOrgName(name string) {
	if name = strings.TrimSpace(name); name != "" {
		s.orgName = name
	}
}

// OrgName is the issuer's name.
func (s *Service) OrgName() string { return s.orgName }

func (s *Service) issuerID() string                     { return s.baseURL + "/issuer" }
func (s *Service) verificationMethod(kid string) string { return s.issuerID() + "#" + kid }
func (s *Service) achievementID(tier string) string     { return s.baseURL + "/achievements/" + tier }
func (s *Service) credentialURI(id string) string       { return s.shortVerifyURL(id) }

// issuerProfile is the issuer as embedded in credentials.
func (s *Service) issuerProfile() map[string]any {
	return map[string]any{"id": s.issuerID(), "type": []any{"Profile"}, "name": s.orgName, "url": s.baseURL}
}

// achievementObject is the Achievement as embedded in credentials.
func (s *Service) achievementObject(a Achievement) map[string]any {
	return map[string]any{
		"id":              s.achievementID(a.Tier),
		"type":            []any{"Achievement"},
		"achievementType": "Certification",
		"name":            a.Name,
		"description":     a.Description,
		"criteria":        map[string]any{"narrative": a.Criteria},
		"humanCode":       a.Tier,
		"creator":         s.issuerProfile(),
	}
}

// AchievementDocument is the JSON-LD served at /achievements/{tier}.
func (s *Service) AchievementDocument(a Achievement) map[string]any {
	doc := s.achievementObject(a)
	doc["@context"] = []any{ContextVCv2, ContextOB303}
	return doc
}

// IssuerDocument is the JSON-LD served at /issuer: the Profile, and the
// controller document of our keys. The DID v1 context comes first so that
// verifiers (Digital Bazaar's among them) read assertionMethod without
// framing; Multikey defines the key type.
func (s *Service) IssuerDocument(ctx context.Context) (map[string]any, error) {
	set, err := s.JWKS(ctx)
	if err != nil {
		return nil, err
	}
	var methods, refs []any
	for _, k := range set.Keys {
		pub, ok, err := s.keys.publicKey(ctx, s.db.R, k.Kid)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		vm := s.verificationMethod(k.Kid)
		methods = append(methods, map[string]any{
			"id": vm, "type": "Multikey", "controller": s.issuerID(), "publicKeyMultibase": publicKeyMultibase(pub),
		})
		refs = append(refs, vm)
	}
	return map[string]any{
		"@context":           []any{ContextDIDv1, ContextMultikey},
		"id":                 s.issuerID(),
		"verificationMethod": methods,
		"assertionMethod":    refs,
	}, nil
}

// IssuerProfileDocument is the Open Badges view of the issuer (for
// clients asking for application/ld+json with the OB context).
func (s *Service) IssuerProfileDocument() map[string]any {
	doc := s.issuerProfile()
	doc["@context"] = []any{ContextVCv2, ContextOB303}
	return doc
}

// identityObject hashes the e-mail address with a fresh salt: the
// credential proves "this address" to whoever already knows it, and tells no
// one else. Addresses compare case-insensitively, so they are lower-cased.
func identityObject(email string) (map[string]any, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	saltHex := hex.EncodeToString(salt)
	return map[string]any{
		"type":         "IdentityObject",
		"identityType": "emailAddress",
		"hashed":       true,
		"identityHash": IdentityHash(email, saltHex),
		"salt":         saltHex,
	}, nil
}

// IdentityHash is "sha256$" + hex(SHA-256(normalized e-mail + salt)), so a
// relying party can check an address it was given.
func IdentityHash(email, salt string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email)) + salt))
	return "sha256$" + hex.EncodeToString(sum[:])
}

// OpenBadge returns the certificate's signed OpenBadgeCredential, making and
// storing it on first call. email is the holder's address (only its salted
// hash goes into the credential); a is the tier's Achievement.
func (s *Service) OpenBadge(ctx context.Context, id, email string, a Achievement) (map[string]any, error) {
	canon, err := ParseID(id)
	if err != nil {
		return nil, ErrNotFound
	}
	if doc, ok, err := s.storedBadge(ctx, canon); err != nil || ok {
		return doc, err
	}
	var out map[string]any
	err = s.db.Update(ctx, func(tx *sql.Tx) error {
		var stored string
		err := tx.QueryRowContext(ctx, `SELECT document FROM open_badges WHERE credential_id = ?`, canon).Scan(&stored)
		if err == nil {
			return json.Unmarshal([]byte(stored), &out)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("read open badge: %w", err)
		}
		c, err := findWhere(ctx, tx, `id = ?`, canon)
		if err != nil {
			return err
		}
		e, err := allocateStatus(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		k, err := s.keys.keyByKid(ctx, tx, c.Kid)
		if err != nil {
			return err
		}
		subjectID, err := identityObject(email)
		if err != nil {
			return err
		}
		doc := map[string]any{
			"@context":    []any{ContextVCv2, ContextOB303},
			"id":          s.credentialURI(c.ID),
			"type":        []any{"VerifiableCredential", "OpenBadgeCredential"},
			"name":        c.TierName,
			"issuer":      s.issuerProfile(),
			"validFrom":   c.IssuedAt.Format(time.RFC3339),
			"validUntil":  c.ExpiresAt.Format(time.RFC3339),
			"awardedDate": c.AwardedAt.Format(time.RFC3339),
			"credentialSubject": map[string]any{
				"type":        []any{"AchievementSubject"},
				"name":        c.HolderName,
				"identifier":  []any{subjectID},
				"achievement": s.achievementObject(a),
			},
			"credentialStatus": s.statusEntries(e),
		}
		out, err = addProof(doc, k, s.verificationMethod(k.kid), c.IssuedAt)
		if err != nil {
			return fmt.Errorf("sign open badge %s: %w", c.ID, err)
		}
		b, err := json.Marshal(out)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO open_badges (credential_id, document, created_at) VALUES (?, ?, ?)`,
			c.ID, string(b), s.clk.Now().UTC())
		if err != nil {
			return fmt.Errorf("store open badge: %w", err)
		}
		return nil
	})
	return out, err
}

func (s *Service) storedBadge(ctx context.Context, id string) (map[string]any, bool, error) {
	var stored string
	err := s.db.R.QueryRowContext(ctx, `SELECT document FROM open_badges WHERE credential_id = ?`, id).Scan(&stored)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read open badge: %w", err)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(stored), &doc); err != nil {
		return nil, false, fmt.Errorf("open badge %s: %w", id, err)
	}
	return doc, true, nil
}

// keyByKid loads the private key of kid (the key that signed a
// certificate's token also signs its Open Badge, so the JWKS keeps listing
// it for exactly as long as either needs it).
func (r *keyring) keyByKid(ctx context.Context, tx *sql.Tx, kid string) (*signingKey, error) {
	r.mu.RLock()
	k := r.signer
	r.mu.RUnlock()
	if k != nil && k.kid == kid {
		return k, nil
	}
	var seed []byte
	if err := tx.QueryRowContext(ctx, `SELECT private_key FROM signing_keys WHERE kid = ?`, kid).Scan(&seed); err != nil {
		return nil, fmt.Errorf("read signing key %s: %w", kid, err)
	}
	k, err := newSigningKey(seed)
	if err != nil || k.kid != kid {
		return nil, fmt.Errorf("signing key %s is corrupt", kid)
	}
	return k, nil
}
