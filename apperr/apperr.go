// Package apperr is the one error type domain packages return when the
// caller, not the server, is at fault. It carries a kind (mapped to an HTTP
// status in web/errors.go, and nowhere else), a snake_case code and a plain
// sentence, plus field or line detail for validation errors. Sentences are
// English; declared codes and arguments beside them (code.go) let web word
// them in the reader's language. Domain packages never import net/http or
// echo.
package apperr

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Kind says what went wrong, independent of transport.
type Kind int

// The kinds of error a caller can cause.
const (
	Internal     Kind = iota // the server's fault; never shown in detail
	Invalid                  // 422: well-formed but not acceptable
	BadRequest               // 400: malformed request
	NotFound                 // 404
	Conflict                 // 409: the state does not allow it
	Forbidden                // 403: signed in but not allowed
	Unauthorized             // 401: not signed in / bad credentials
	TooMany                  // 429: rate limit or retake wait
	TooLarge                 // 413
	Unavailable              // 503: busy; try again shortly (Retry-After)
)

// Line is an error at one line of an uploaded file (counted from 1).
type Line struct {
	Line    int    `json:"line"`
	Message string `json:"message"`
	// Code and Args are the message's code and arguments where it has one
	// (Msg.At), for web to word per language; a message quoting another
	// program's error text has none and stays as it is.
	Code string         `json:"-"`
	Args map[string]any `json:"-"`
}

// Error is a caller-facing error.
type Error struct {
	Kind    Kind
	Code    string            // snake_case, stable: clients switch on it
	Message string            // a plain sentence for people (English)
	Fields  map[string]string // per-field messages (validation, English)
	// Detail and Args, when set, say which sentence Message is (a declared
	// DetailCode, often more specific than Code) and what fills it, so web
	// can word it in the reader's language.
	Detail string
	Args   map[string]any
	// FieldMsgs holds the code and arguments of each entry of Fields where
	// the domain gave them (FieldMsgs.Err); a field without one is worded
	// by its English sentence only.
	FieldMsgs map[string]Msg
	Lines     []Line         // per-line messages (imports)
	Extra     map[string]any // extra members of the JSON error body
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Message)
	if len(e.Fields) > 0 {
		keys := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, "; %s: %s", k, e.Fields[k])
		}
	}
	for i, l := range e.Lines {
		if i == 5 {
			fmt.Fprintf(&b, "; … %d more", len(e.Lines)-5)
			break
		}
		fmt.Fprintf(&b, "; line %d: %s", l.Line, l.Message)
	}
	return b.String()
}

// Is makes errors.Is match on Kind and Code, so a sentinel matches a copy of
// it that carries extra detail.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Kind == e.Kind && t.Code == e.Code
}

// New returns an error of kind k with a code and message.
func New(k Kind, code, msg string) *Error { return &Error{Kind: k, Code: code, Message: msg} }

// With returns a copy of e with an extra JSON member set.
func (e *Error) With(key string, v any) *Error {
	c := *e
	c.Extra = make(map[string]any, len(e.Extra)+1)
	for k, v := range e.Extra {
		c.Extra[k] = v
	}
	c.Extra[key] = v
	return &c
}

// Fielded returns a validation error (Invalid) with per-field messages.
func Fielded(fields map[string]string) *Error {
	return &Error{Kind: Invalid, Code: "validation_failed", Message: "Some fields need attention.", Fields: fields}
}

// Lined returns an import error (Invalid) with per-line messages.
func Lined(lines []Line) *Error {
	return &Error{Kind: Invalid, Code: "import_failed", Message: "The file has errors; nothing was imported.", Lines: lines}
}

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}
