package cert

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mopscert/mopscert/apperr"
)

// W3C Bitstring Status List v1.0. Each credential gets one random position,
// the same in the revocation list and the suspension list of one number:
// revocation is for good (an admin revoked it), suspension is the grace
// period after expiry while a renewal may still be finished.
//
// The bits are not stored: they are derived from the credentials' rows when
// a list is served, so revoking a certificate sets its bit by the same
// UPDATE that revokes it, and nothing can drift apart.

const (
	// StatusListSize is the number of entries per list, the minimum the
	// specification asks for so that a list hides its holders in a crowd.
	StatusListSize = 131072
	// statusListFill is how full a list gets before the next one starts, so
	// a random free position is found in a couple of draws.
	statusListFill = StatusListSize / 2
	// statusListTTL is how long a signed list is reused while its bits stay
	// the same; a changed bit makes a new one at once.
	statusListTTL = time.Hour
	// statusListValidity bounds how long a verifier may trust a copy.
	statusListValidity = 24 * time.Hour
)

// Status purposes; each list has one.
const (
	PurposeRevocation = "revocation"
	PurposeSuspension = "suspension"
)

// ErrNoStatusList: no status list has this name.
var ErrNoStatusList = apperr.New(apperr.NotFound, "status_list_not_found", "No status list has this name.")

// statusEntry is a credential's place in the lists.
type statusEntry struct {
	List int
	Idx  int
}

// statusListName is the path segment of a list: revocation-1, suspension-1.
func statusListName(purpose string, list int) string {
	return purpose + "-" + strconv.Itoa(list)
}

func (s *Service) statusListURL(purpose string, list int) string {
	return s.baseURL + "/status/" + statusListName(purpose, list)
}

// parseStatusListName is statusListName backwards.
func parseStatusListName(name string) (purpose string, list int, ok bool) {
	p, n, found := strings.Cut(name, "-")
	if !found || (p != PurposeRevocation && p != PurposeSuspension) {
		return "", 0, false
	}
	list, err := strconv.Atoi(n)
	if err != nil || list < 1 || strconv.Itoa(list) != n {
		return "", 0, false
	}
	return p, list, true
}

// allocateStatus returns the credential's position, drawing a random free
// one in the newest list that is not yet full when it has none.
func allocateStatus(ctx context.Context, tx *sql.Tx, credID string) (statusEntry, error) {
	var e statusEntry
	err := tx.QueryRowContext(ctx, `SELECT list, idx FROM credential_status WHERE credential_id = ?`, credID).Scan(&e.List, &e.Idx)
	if err == nil {
		return e, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return e, fmt.Errorf("read status entry: %w", err)
	}
	var used int
	err = tx.QueryRowContext(ctx, `SELECT coalesce(MAX(list), 1) FROM credential_status`).Scan(&e.List)
	if err == nil {
		err = tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM credential_status WHERE list = ?`, e.List).Scan(&used)
	}
	if err != nil {
		return e, fmt.Errorf("read status lists: %w", err)
	}
	if used >= statusListFill {
		e.List++
	}
	for range 64 { // at most half full: 64 misses in a row is 2^-64
		e.Idx = randomIndex()
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM credential_status WHERE list = ? AND idx = ?`, e.List, e.Idx).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			if _, err := tx.ExecContext(ctx, `INSERT INTO credential_status (credential_id, list, idx) VALUES (?, ?, ?)`,
				credID, e.List, e.Idx); err != nil {
				return e, fmt.Errorf("store status entry: %w", err)
			}
			return e, nil
		}
		if err != nil {
			return e, fmt.Errorf("check status entry: %w", err)
		}
	}
	return e, errors.New("no free status list position found")
}

// randomIndex is uniform over the list: its size is a power of two.
func randomIndex() int {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return int(binary.BigEndian.Uint32(b[:]) % StatusListSize)
}

// statusEntries is the credentialStatus of a credential.
func (s *Service) statusEntries(e statusEntry) []any {
	entry := func(purpose string) map[string]any {
		u := s.statusListURL(purpose, e.List)
		return map[string]any{
			"id":                   u + "#" + strconv.Itoa(e.Idx),
			"type":                 "BitstringStatusListEntry",
			"statusPurpose":        purpose,
			"statusListIndex":      strconv.Itoa(e.Idx),
			"statusListCredential": u,
		}
	}
	return []any{entry(PurposeRevocation), entry(PurposeSuspension)}
}

// statusBits reads which positions of a list are set at now.
func (s *Service) statusBits(ctx context.Context, purpose string, list int, now time.Time) ([]byte, bool, error) {
	bits := make([]byte, StatusListSize/8)
	rows, err := s.db.R.QueryContext(ctx, `SELECT cs.idx, c.revoked_at IS NOT NULL, c.superseded_by IS NOT NULL,
		c.expires_at, c.grace_until FROM credential_status cs JOIN credentials c ON c.id = cs.credential_id
		WHERE cs.list = ?`, list)
	if err != nil {
		return nil, false, fmt.Errorf("read status list: %w", err)
	}
	defer rows.Close()
	found := false
	for rows.Next() {
		var idx int
		var revoked, superseded bool
		var expires time.Time
		var grace sql.NullTime
		if err := rows.Scan(&idx, &revoked, &superseded, &expires, &grace); err != nil {
			return nil, false, fmt.Errorf("read status list: %w", err)
		}
		found = true
		c := Credential{ExpiresAt: expires}
		if superseded {
			c.SupersededBy = "x"
		}
		if revoked {
			c.RevokedAt = &now
		}
		if grace.Valid {
			c.GraceUntil = &grace.Time
		}
		set := false
		switch purpose {
		case PurposeRevocation:
			set = revoked
		case PurposeSuspension:
			set = c.InGrace(now)
		}
		if set {
			bits[idx/8] |= 0x80 >> (idx % 8) // bit 0 is the leftmost bit of byte 0
		}
	}
	return bits, found, rows.Err()
}

// encodeStatusList is multibase base64url (no padding, prefix "u") of the
// GZIP-compressed bitstring.
func encodeStatusList(bits []byte) string {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(bits)
	zw.Close()
	return "u" + base64.RawURLEncoding.EncodeToString(buf.Bytes())
}

// DecodeStatusList reverses encodeStatusList (for verifiers and tests).
func DecodeStatusList(encoded string) ([]byte, error) {
	if !strings.HasPrefix(encoded, "u") {
		return nil, errors.New("encodedList is not multibase base64url")
	}
	raw, err := base64.RawURLEncoding.DecodeString(encoded[1:])
	if err != nil {
		return nil, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if _, err := out.ReadFrom(io.LimitReader(zr, 1<<24)); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// StatusBit reports bit i of a decoded list (bit 0 leftmost).
func StatusBit(bits []byte, i int) bool { return bits[i/8]&(0x80>>(i%8)) != 0 }

// signedList is a status list credential as last signed.
type signedList struct {
	encoded string
	made    time.Time
	doc     map[string]any
}

type statusListCache struct {
	mu    sync.Mutex
	lists map[string]signedList
}

// StatusList returns the signed BitstringStatusListCredential named name
// (e.g. revocation-1). It is re-signed only when a bit changed or the copy
// is older than statusListTTL.
func (s *Service) StatusList(ctx context.Context, name string) (map[string]any, error) {
	purpose, list, ok := parseStatusListName(name)
	if !ok {
		return nil, ErrNoStatusList
	}
	now := s.clk.Now().UTC()
	bits, found, err := s.statusBits(ctx, purpose, list, now)
	if err != nil {
		return nil, err
	}
	if !found && list > 1 {
		return nil, ErrNoStatusList // list 1 always exists, later ones once used
	}
	enc := encodeStatusList(bits)
	s.lists.mu.Lock()
	cached, ok := s.lists.lists[name]
	s.lists.mu.Unlock()
	if ok && cached.encoded == enc && now.Sub(cached.made) < statusListTTL && !now.Before(cached.made) {
		return cached.doc, nil
	}
	u := s.statusListURL(purpose, list)
	doc := map[string]any{
		"@context":   []any{ContextVCv2},
		"id":         u,
		"type":       []any{"VerifiableCredential", "BitstringStatusListCredential"},
		"issuer":     s.issuerID(),
		"validFrom":  now.Truncate(time.Second).Format(time.RFC3339),
		"validUntil": now.Add(statusListValidity).Truncate(time.Second).Format(time.RFC3339),
		"credentialSubject": map[string]any{
			"id":            u + "#list",
			"type":          "BitstringStatusList",
			"statusPurpose": purpose,
			"encodedList":   enc,
		},
	}
	var k *signingKey
	err = s.db.View(ctx, func(tx *sql.Tx) error {
		var err error
		k, err = s.keys.currentSigner(ctx, tx)
		return err
	})
	if err != nil {
		return nil, err
	}
	signed, err := addProof(doc, k, s.verificationMethod(k.kid), now)
	if err != nil {
		return nil, fmt.Errorf("sign status list %s: %w", name, err)
	}
	s.lists.mu.Lock()
	s.lists.lists[name] = signedList{encoded: enc, made: now, doc: signed}
	s.lists.mu.Unlock()
	return signed, nil
}
