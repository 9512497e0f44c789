package cert

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"strings"
)

// Certificate ids are read over the phone and typed from paper, so they use
// Crockford's base32: digits and upper-case letters without I, L, O and U.
// Twelve symbols carry 60 random bits: enough that guessing a real id is
// hopeless, short enough to read aloud as three groups of four.
const (
	crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	idPrefix  = "MOPS"
	idSymbols = 12
	idLen     = len(idPrefix) + 3 + idSymbols // MOPS-XXXX-XXXX-XXXX
	// maxIDInput bounds what ParseID looks at; a typed id with generous
	// spacing is far shorter.
	maxIDInput = 64
)

// errBadID is returned by ParseID; callers turn it into ErrNotFound or an
// invalid verification.
var errBadID = errors.New("not a certificate id")

// crockfordValue maps an upper-case ASCII byte to its 5-bit value, or -1.
// It folds the look-alikes Crockford allows: O→0, I and L→1. U is not a
// symbol (it is reserved so ids never spell some words) and stays invalid.
var crockfordValue = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(crockford); i++ {
		t[crockford[i]] = int8(i)
	}
	t['O'] = 0
	t['I'] = 1
	t['L'] = 1
	return t
}()

// NewID returns a fresh random certificate id, MOPS-XXXX-XXXX-XXXX.
func NewID() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		// crypto/rand does not fail on supported platforms (Go 1.24+ panics
		// inside Read instead); keep the guard for clarity.
		panic("cert: crypto/rand failed: " + err.Error())
	}
	v := binary.BigEndian.Uint64(b[:])
	var sym [idSymbols]byte
	for i := idSymbols - 1; i >= 0; i-- {
		sym[i] = crockford[v&31]
		v >>= 5
	}
	return formatID(sym[:])
}

func formatID(sym []byte) string {
	var sb strings.Builder
	sb.Grow(idLen)
	sb.WriteString(idPrefix)
	for i := 0; i < idSymbols; i += 4 {
		sb.WriteByte('-')
		sb.Write(sym[i : i+4])
	}
	return sb.String()
}

// ParseID turns what someone typed into the canonical id. It accepts lower
// case, missing or extra dashes and spaces, the prefix left out, and the
// look-alike letters Crockford folds (O for 0, I and L for 1), so
// "mops-abcd-efgh-jkmn", "MOPSABCDEFGHJKMN" and "abcd efgh jkmn" all name
// MOPS-ABCD-EFGH-JKMN.
func ParseID(s string) (string, error) {
	if len(s) > maxIDInput {
		return "", errBadID
	}
	var buf [maxIDInput]byte
	n := 0
	for _, r := range s {
		switch {
		case r == '-' || r == ' ' || r == '\t' || r == '_' ||
			(r >= '\u2010' && r <= '\u2015') || r == '\u2212' || r == '\u00a0':
			// Separators, including the dashes word processors substitute.
			continue
		case r >= 'a' && r <= 'z':
			r -= 'a' - 'A'
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		default:
			return "", errBadID
		}
		buf[n] = byte(r)
		n++
	}
	body := buf[:n]
	if n == len(idPrefix)+idSymbols {
		// The prefix may itself be typed with a zero for the O.
		if p := string(body[:len(idPrefix)]); p != idPrefix && p != "M0PS" {
			return "", errBadID
		}
		body = body[len(idPrefix):]
	}
	if len(body) != idSymbols {
		return "", errBadID
	}
	var sym [idSymbols]byte
	for i, c := range body {
		v := crockfordValue[c]
		if v < 0 {
			return "", errBadID
		}
		sym[i] = crockford[v]
	}
	return formatID(sym[:]), nil
}
