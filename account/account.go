// Package account holds users, their passwords (argon2id) and server-side
// sessions. Only a hash of a session token is stored.
package account

import (
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

// Validate returns field errors with codes for web and plain English.
func (r *Registration) Validate() error {
	f := apperr.FieldMsgs{}
	if m := identityMessage(r.emailProblem, "email"); m.Code != "" {
		f["email"] = m
	} else if m := checkEmail(r.Email); m.Code != "" {
		f["email"] = m
	}
	switch n := utf8.RuneCountInString(r.Name); {
	case n == 0:
		f["name"] = codeNameRequired.Msg("Enter your name as it should appear on your certificate.")
	case n > MaxName:
		f["name"] = codeNameTooLong.Msg("Keep your name under %d characters.", MaxName)
	case hasInvisible(r.Name):
		f["name"] = identityMessage(idInvisible, "name")
	}
	if m := CheckPassword(r.Password); m.Code != "" {
		f["password"] = m
	}
	if len(f) > 0 {
		return f.Err()
	}
	return nil
}

// checkEmail returns why an address is not acceptable (the zero Msg when
// it is).
func checkEmail(e string) apperr.Msg {
	if e == "" {
		return codeEmailRequired.Msg("Enter your email address.")
	}
	if len(e) > MaxEmail {
		return codeEmailTooLong.Msg("That email address is too long.")
	}
	a, err := mail.ParseAddress(e)
	if err != nil || a.Address != e || !strings.Contains(e[strings.LastIndexByte(e, '@')+1:], ".") {
		return codeEmailInvalid.Msg("Enter an email address like name@example.com.")
	}
	return apperr.Msg{}
}

// CheckPassword returns why a password is not acceptable, or the zero Msg
// (no Code) when it is.
func CheckPassword(p string) apperr.Msg {
	n := utf8.RuneCountInString(p)
	switch {
	case n < MinPassword:
		return codePasswordTooShort.Msg("Use at least %d characters.", MinPassword)
	case n > MaxPassword:
		return codePasswordTooLong.Msg("Use at most %d characters.", MaxPassword)
	case !utf8.ValidString(p):
		return codePasswordInvalid.Msg("The password contains invalid characters.")
	case len(strings.TrimSpace(p)) == 0:
		return codePasswordBlank.Msg("The password cannot be only spaces.")
	case isCommon(p):
		return codePasswordCommon.Msg("That password is too easy to guess; choose a less common one.")
	}
	return apperr.Msg{}
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
