package apperr

import (
	"fmt"
	"sort"
	"sync"
	"time"
)

// Code is a stable, snake_case code for one sentence people read, with the
// names of the arguments that fill it. Domain packages declare their codes
// once (FieldCode, DetailCode) and build messages from them (Code.Msg), so
// web can word each message in the reader's language from the code and the
// arguments instead of showing the domain's English sentence.
type Code struct {
	ID    string   // snake_case; web's catalogue key is derived from it
	Args  []string // argument names, in the order Msg takes their values
	Field bool     // a per-field message (else an error's detailed message)
}

var (
	regMu    sync.Mutex
	registry = map[string]Code{}
)

// FieldCode declares the code of a per-field validation message.
func FieldCode(id string, args ...string) Code { return declare(Code{ID: id, Args: args, Field: true}) }

// DetailCode declares the code of an error's detailed message (Error.Detail):
// a sentence more specific than the error's API code, such as
// "answer_not_a_number" under "invalid_choice".
func DetailCode(id string, args ...string) Code { return declare(Code{ID: id, Args: args}) }

// declare registers c. Two declarations of one id would let two sentences
// share one translation, so that is a programming error, caught at start.
func declare(c Code) Code {
	regMu.Lock()
	defer regMu.Unlock()
	if _, dup := registry[c.ID]; dup {
		panic("apperr: code " + c.ID + " declared twice")
	}
	registry[c.ID] = c
	return c
}

// Codes lists every declared code, sorted by id: what the catalogues must
// word (web's tests check each has a message in every language).
func Codes() []Code {
	regMu.Lock()
	defer regMu.Unlock()
	out := make([]Code, 0, len(registry))
	for _, c := range registry {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Msg is one message for people: a code and its arguments, which web words
// in the reader's language, and the English sentence (CLI, logs, English
// pages, and the fallback where a catalogue has no words for the code).
type Msg struct {
	Code    string
	Args    map[string]any
	Message string
}

// Msg builds a message of code c: the English sentence is format with vals
// (fmt.Sprintf, so go vet checks it like Printf) and the arguments are vals under
// the declared names, in order. A count that differs from the declaration
// is a programming error and panics, so a test of the path catches it.
func (c Code) Msg(format string, vals ...any) Msg {
	if len(vals) != len(c.Args) {
		panic(fmt.Sprintf("apperr: code %s takes %d arguments (%v), got %d", c.ID, len(c.Args), c.Args, len(vals)))
	}
	m := Msg{Code: c.ID, Message: fmt.Sprintf(format, vals...)}
	if len(vals) > 0 {
		m.Args = make(map[string]any, len(vals))
		for i, v := range vals {
			m.Args[c.Args[i]] = v
		}
	}
	return m
}

// On returns a validation error with m as the message of one field.
func (m Msg) On(field string) *Error { return FieldMsgs{field: m}.Err() }

// At returns m as the message of line n of an uploaded file.
func (m Msg) At(n int) Line { return Line{Line: n, Message: m.Message, Code: m.Code, Args: m.Args} }

// FieldMsgs collects the per-field messages of a validation error.
type FieldMsgs map[string]Msg

// Err returns the validation error (Invalid, validation_failed) holding the
// messages: Fields has their English sentences as before, FieldMsgs their
// codes and arguments.
func (f FieldMsgs) Err() *Error {
	e := Fielded(make(map[string]string, len(f)))
	e.FieldMsgs = make(map[string]Msg, len(f))
	for k, m := range f {
		e.Fields[k] = m.Message
		e.FieldMsgs[k] = m
	}
	return e
}

// Worded returns a copy of e whose message is m: errors.Is still matches e
// (same kind and code), and web words the message from m's code and
// arguments (Detail, Args).
func (e *Error) Worded(m Msg) *Error {
	c := *e
	c.Message, c.Detail, c.Args = m.Message, m.Code, m.Args
	return &c
}

// Time is a time as a message argument. English sentences show it as the
// API's retry_after does (RFC 3339); web writes it the reader's way.
type Time struct{ time.Time }

func (t Time) String() string { return t.Format(time.RFC3339) }
