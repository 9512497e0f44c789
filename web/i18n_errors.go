package web

import (
	"github.com/mopscert/mopscert/apperr"
)

// Errors in the reader's language. Domain errors carry English sentences
// (for the CLI, logs and English pages) and, beside them, the codes and
// arguments they were built from (apperr.Code); this is the one place that
// turns those into another language. Catalogue keys:
//
//	apierror.<Code>      an error's general message, by its API code
//	err.<Detail>         an error's detailed message, filled from Args
//	err.field.<code>     a field's message, filled from its Args
//
// English keeps the domain's sentences exactly (TestErrorsEnglishUnchanged
// checks the English catalogue words them the same).

// errorMessage is an error's message for people: the detailed message from
// its Detail code and arguments, else the general one for its code, else
// the English sentence.
func (lc *loc) errorMessage(ae *apperr.Error) string {
	if lc.Lang == "en" {
		return ae.Message
	}
	if ae.Detail != "" {
		if id := "err." + ae.Detail; lc.has(id) {
			return lc.T(id, lc.msgArgs(ae.Args)...)
		}
	}
	if id := "apierror." + ae.Code; lc.has(id) {
		return lc.T(id)
	}
	return ae.Message
}

// fieldMessage words one field's message from its code and arguments, or
// gives the English sentence where it has no code or the code no words.
func (lc *loc) fieldMessage(m apperr.Msg, english string) string {
	if lc.Lang == "en" || m.Code == "" {
		return english
	}
	if id := "err.field." + m.Code; lc.has(id) {
		return lc.T(id, lc.msgArgs(m.Args)...)
	}
	return english
}

// lineMessage words an import line's message from its code and arguments,
// or gives the English one where it has no code (a parser's own error
// text) or the code no words.
func (lc *loc) lineMessage(l apperr.Line) string {
	if lc.Lang == "en" || l.Code == "" {
		return l.Message
	}
	if id := "err." + l.Code; lc.has(id) {
		return lc.T(id, lc.msgArgs(l.Args)...)
	}
	return l.Message
}

// msgArgs turns arguments into T's name/value pairs, numbers and times
// written the reader's way (1.000 and 0,5 in German).
func (lc *loc) msgArgs(args map[string]any) []any {
	out := make([]any, 0, 2*len(args))
	for k, v := range args {
		switch x := v.(type) {
		case int, int64, float64:
			v = lc.Num(x)
		case apperr.Time:
			v = formatDateTime(lc.Lang, x.Time)
		}
		out = append(out, k, v)
	}
	return out
}

// worded returns ae with its message and field messages in the reader's
// language (ae itself in English: its sentences are English already).
func (lc *loc) worded(ae *apperr.Error) *apperr.Error {
	if lc.Lang == "en" {
		return ae
	}
	c := *ae
	c.Message = lc.errorMessage(ae)
	if len(ae.Fields) > 0 {
		c.Fields = make(map[string]string, len(ae.Fields))
		for k, v := range ae.Fields {
			c.Fields[k] = lc.fieldMessage(ae.FieldMsgs[k], v)
		}
	}
	if len(ae.Lines) > 0 {
		c.Lines = make([]apperr.Line, len(ae.Lines))
		for i, l := range ae.Lines {
			c.Lines[i] = l
			c.Lines[i].Message = lc.lineMessage(l)
		}
	}
	return &c
}

// fieldCodes maps each field of ae that has a code to it: the API's
// field_codes member, for clients that word messages themselves.
func fieldCodes(ae *apperr.Error) map[string]string {
	if len(ae.FieldMsgs) == 0 {
		return nil
	}
	out := make(map[string]string, len(ae.FieldMsgs))
	for k, m := range ae.FieldMsgs {
		if m.Code != "" {
			out[k] = m.Code
		}
	}
	return out
}

// fieldErrors pulls the per-field messages and the general message of a
// caller's error out for a form, in the reader's language; other errors
// give nothing (the caller returns them to the error handler).
func (lc *loc) fieldErrors(err error) (map[string]string, string) {
	if ae, ok := apperr.As(err); ok && ae.Kind != apperr.Internal {
		w := lc.worded(ae)
		return w.Fields, w.Message
	}
	return nil, ""
}

// fieldMsg is field k of ae as a message, with its code where it has one,
// so a form can show it under another field's name.
func fieldMsg(ae *apperr.Error, k string) apperr.Msg {
	if m, ok := ae.FieldMsgs[k]; ok {
		return m
	}
	return apperr.Msg{Message: ae.Fields[k]}
}
