package apperr_test

import (
	"errors"
	"testing"

	"github.com/mopscert/mopscert/apperr"
)

var (
	codeTooShort = apperr.FieldCode("test_too_short", "Min")
	codeEmpty    = apperr.FieldCode("test_empty")
	codeNoOption = apperr.DetailCode("test_no_option", "Option")
)

func TestCodeMsg(t *testing.T) {
	tests := []struct {
		name      string
		m         apperr.Msg
		code, msg string
		args      map[string]any
	}{
		{"WithArgs", codeTooShort.Msg("Use at least %d characters.", 8), "test_too_short", "Use at least 8 characters.", map[string]any{"Min": 8}},
		{"NoArgs", codeEmpty.Msg("Enter your name."), "test_empty", "Enter your name.", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := tt.m.Code, tt.code; got != want {
				t.Errorf("Code = %q, want %q", got, want)
			}
			if got, want := tt.m.Message, tt.msg; got != want {
				t.Errorf("Message = %q, want %q", got, want)
			}
			if got, want := len(tt.m.Args), len(tt.args); got != want {
				t.Fatalf("Args = %v, want %v", tt.m.Args, tt.args)
			}
			for k, v := range tt.args {
				if tt.m.Args[k] != v {
					t.Errorf("Args[%s] = %v, want %v", k, tt.m.Args[k], v)
				}
			}
		})
	}
}

func TestCodeMsgWrongCountPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Msg with a missing argument did not panic")
		}
	}()
	codeTooShort.Msg("Use at least some characters.")
}

func TestDeclareTwicePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("declaring test_empty again did not panic")
		}
	}()
	apperr.FieldCode("test_empty")
}

func TestCodesListsDeclared(t *testing.T) {
	want := map[string]bool{"test_too_short": true, "test_empty": true, "test_no_option": false}
	seen := map[string]bool{}
	for _, c := range apperr.Codes() {
		if field, ok := want[c.ID]; ok {
			seen[c.ID] = true
			if c.Field != field {
				t.Errorf("%s: Field = %v, want %v", c.ID, c.Field, field)
			}
		}
	}
	if len(seen) != len(want) {
		t.Errorf("Codes() has %v of %v", seen, want)
	}
}

// FieldMsgs.Err keeps the English per-field map of before, so the CLI, logs
// and the English API read exactly as they did.
func TestFieldMsgsErr(t *testing.T) {
	e := apperr.FieldMsgs{
		"password": codeTooShort.Msg("Use at least %d characters.", 8),
		"name":     codeEmpty.Msg("Enter your name."),
	}.Err()
	if got, want := e.Error(), "Some fields need attention.; name: Enter your name.; password: Use at least 8 characters."; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got, want := e.Code, "validation_failed"; got != want {
		t.Errorf("Code = %q, want %q", got, want)
	}
	if got, want := e.FieldMsgs["password"].Args["Min"], any(8); got != want {
		t.Errorf("password Min = %v, want %v", got, want)
	}
	one := codeEmpty.Msg("Enter your name.").On("name")
	if got, want := one.Fields["name"], "Enter your name."; got != want {
		t.Errorf("On: Fields[name] = %q, want %q", got, want)
	}
}

func TestWorded(t *testing.T) {
	base := apperr.New(apperr.Invalid, "invalid_choice", "The choices are not valid for this question.")
	e := base.Worded(codeNoOption.Msg("The question has no option %q.", "z"))
	if !errors.Is(e, base) {
		t.Error("a worded copy no longer matches its sentinel")
	}
	if got, want := e.Message, `The question has no option "z".`; got != want {
		t.Errorf("Message = %q, want %q", got, want)
	}
	if e.Detail != "test_no_option" || e.Args["Option"] != "z" {
		t.Errorf("Detail, Args = %q, %v", e.Detail, e.Args)
	}
	if base.Detail != "" || base.Args != nil {
		t.Error("Worded changed the sentinel")
	}
}
