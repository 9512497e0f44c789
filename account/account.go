// Package account holds users, their passwords (argon2id) and server-side
// sessions. Only a hash of a session token is stored.
package account

import (
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mopscert/mopscert/apperr"
)

// Role says what a user may do.
type Role string

// The roles.
const (
	Candidate Role = "candidate"
	Admin     Role = "admin"
)

// User is a person with an account.
type User struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Role      Role      `json:"role"`
	Language  string    `json:"language"` // "en" or "de": pages, the certificate, mail
	CreatedAt time.Time `json:"created_at"`
}

// Languages are the languages a user may choose; the first is the default.
var Languages = []string{"en", "de"}

// ValidLanguage reports whether l is one of Languages.
func ValidLanguage(l string) bool { return l == "en" || l == "de" }

// IsAdmin reports whether u administers the certification.
func (u *User) IsAdmin() bool { return u != nil && u.Role == Admin }

// Password length limits, in characters. No truncation: every character of
// a long passphrase counts (argon2id takes any length).
const (
	MinPassword = 8
	MaxPassword = 128
	MaxName     = 100
	MaxEmail    = 254
)

// Errors callers can act on.
var (
	ErrEmailTaken         = apperr.New(apperr.Conflict, "email_taken", "An account with this email address already exists.")
	ErrInvalidCredentials = apperr.New(apperr.Unauthorized, "invalid_credentials", "The email address or password is not right.")
	ErrUnauthenticated    = apperr.New(apperr.Unauthorized, "unauthenticated", "Please sign in.")
	ErrNotFound           = apperr.New(apperr.NotFound, "user_not_found", "No user has that id.")
)

// Registration is what a new user gives.
type Registration struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Password string `json:"password"`
	// Language is the page language at registration unless given; an
	// unknown one falls back to English rather than failing a sign-up.
	Language string `json:"language,omitempty"`

	emailProblem string // set by Normalize
}

// Normalize puts the e-mail address and name in their canonical forms (see
// CanonicalEmail, CanonicalName); Validate refuses what cannot be made safe.
func (r *Registration) Normalize() {
	r.Email, r.emailProblem = CanonicalEmail(r.Email)
	r.Name = CanonicalName(r.Name)
}

// Validate returns field errors in plain language.
func (r *Registration) Validate() error {
	f := map[string]string{}
	if msg := identityMessage(r.emailProblem, "email"); msg != "" {
		f["email"] = msg
	} else if msg := checkEmail(r.Email); msg != "" {
		f["email"] = msg
	}
	switch n := utf8.RuneCountInString(r.Name); {
	case n == 0:
		f["name"] = "Enter your name as it should appear on your certificate."
	case n > MaxName:
		f["name"] = fmt.Sprintf("Keep your name under %d characters.", MaxName)
	case hasInvisible(r.Name):
		f["name"] = identityMessage(idInvisible, "name")
	}
	if msg := CheckPassword(r.Password); msg != "" {
		f["password"] = msg
	}
	if len(f) > 0 {
		return apperr.Fielded(f)
	}
	return nil
}

func checkEmail(e string) string {
	if e == "" {
		return "Enter your email address."
	}
	if len(e) > MaxEmail {
		return "That email address is too long."
	}
	a, err := mail.ParseAddress(e)
	if err != nil || a.Address != e || !strings.Contains(e[strings.LastIndexByte(e, '@')+1:], ".") {
		return "Enter an email address like name@example.com."
	}
	return ""
}

// CheckPassword returns why a password is not acceptable, or "".
func CheckPassword(p string) string {
	n := utf8.RuneCountInString(p)
	switch {
	case n < MinPassword:
		return fmt.Sprintf("Use at least %d characters.", MinPassword)
	case n > MaxPassword:
		return fmt.Sprintf("Use at most %d characters.", MaxPassword)
	case !utf8.ValidString(p):
		return "The password contains invalid characters."
	case len(strings.TrimSpace(p)) == 0:
		return "The password cannot be only spaces."
	case isCommon(p):
		return "That password is too easy to guess; choose a less common one."
	}
	return ""
}

// A short list of the passwords most often tried first; a real breach list
// would be better, but this already stops the worst ones.
var common = map[string]bool{
	"password": true, "password1": true, "12345678": true, "123456789": true, "1234567890": true,
	"qwertyui": true, "qwerty123": true, "iloveyou": true, "11111111": true, "00000000": true,
	"abcd1234": true, "letmein1": true, "welcome1": true, "passw0rd": true, "admin123": true,
	"marketing": true, "mopscert": true, "changeme": true, "baseball": true, "football": true,
}

func isCommon(p string) bool { return common[strings.ToLower(p)] }
