package db

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
)

var idEncoding = base32.NewEncoding("abcdefghijkmnpqrstuvwxyz23456789").WithPadding(base32.NoPadding)

// NewID returns an opaque, unguessable id with a short prefix that says what
// it names ("u" user, "a" attempt…), e.g. "a_k3mx…".
func NewID(prefix string) string {
	var b [15]byte
	_, _ = rand.Read(b[:])
	var sb strings.Builder
	sb.WriteString(prefix)
	sb.WriteByte('_')
	sb.WriteString(idEncoding.EncodeToString(b[:]))
	return sb.String()
}
