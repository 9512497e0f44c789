package account

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// argon2id parameters: OWASP's recommended minimum (19 MiB, 2 passes, one
// lane). Stored with each hash so they can be raised later without breaking
// existing passwords.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
	// maxArgonMemory is the most a stored hash may ask for (KiB); room to
	// raise argonMemory later without trusting any number in the database.
	maxArgonMemory = 64 * 1024
)

// HashPassword returns a PHC-style argon2id string.
func HashPassword(password string) (string, error) {
	return HashPasswordContext(context.Background(), password)
}

// HashPasswordContext is HashPassword holding a hashing slot (see
// withHashSlot): ErrBusy when none frees up in time.
func HashPasswordContext(ctx context.Context, password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("salt: %w", err)
	}
	var key []byte
	if err := withHashSlot(ctx, func() {
		key = argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	}); err != nil {
		return "", err
	}
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var errBadHash = errors.New("unrecognised password hash")

// CheckPasswordHash reports whether password matches the stored hash, in
// constant time.
func CheckPasswordHash(hash, password string) (bool, error) {
	return CheckPasswordHashContext(context.Background(), hash, password)
}

// CheckPasswordHashContext is CheckPasswordHash holding a hashing slot:
// ErrBusy when none frees up in time.
func CheckPasswordHashContext(ctx context.Context, hash, password string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false, errBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, errBadHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil {
		return false, errBadHash
	}
	// A stored hash with a larger cost than ours would defeat the slot
	// bound's memory arithmetic; refuse it rather than allocate.
	if m > maxArgonMemory || t > 10 || p == 0 || len(want) == 0 || len(want) > 64 {
		return false, errBadHash
	}
	var got []byte
	if err := withHashSlot(ctx, func() {
		got = argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	}); err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is checked against when an e-mail address is unknown, so a login
// takes as long whether or not the account exists.
var dummyHash, _ = HashPassword("not-a-real-password-just-timing")
