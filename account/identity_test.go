package account_test

import (
	"context"
	"errors"
	"testing"

	"github.com/mopscert/mopscert/account"
	"github.com/mopscert/mopscert/apperr"
)

func TestCanonicalEmail(t *testing.T) {
	tests := []struct {
		name, in, want string
		refused        bool
	}{
		{"OK", "ana@example.com", "ana@example.com", false},
		{"OKCaseFolded", "  Ana.Lima@Example.COM ", "ana.lima@example.com", false},
		{"OKFullWidth", "ａｎａ@example.com", "ana@example.com", false},
		{"OKIDNDomain", "ana@bücher.example", "ana@xn--bcher-kva.example", false},
		{"OKCyrillicLocal", "иван@example.com", "иван@example.com", false},
		{"OKAccentComposed", "zoe\u0308@example.com", "zoë@example.com", false},
		{"ErrZeroWidthSpace", "ad\u200bmin@example.com", "", true},
		{"ErrZeroWidthJoiner", "admin\u200d@example.com", "", true},
		{"ErrBOM", "\ufeffadmin@example.com", "", true},
		{"ErrRTLOverride", "admin\u202e@example.com", "", true},
		{"ErrMixedLatinCyrillic", "аdmin@example.com", "", true},                 // Cyrillic а
		{"ErrMixedLatinGreek", "admιn@example.com", "", true},                    // Greek iota
		{"OKDottedCapitalIFolds", "İnfo@example.com", "info@example.com", false}, // the same account as info@, not a look-alike
		{"ErrStrayCombiningMark", "i\u0307nfo@example.com", "", true},
		{"ErrBadDomain", "ana@exa_mple..com", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problem := account.CanonicalEmail(tt.in)
			if tt.refused {
				if problem == "" {
					t.Fatalf("CanonicalEmail(%q) = %q, accepted; want refused", tt.in, got)
				}
				r := account.Registration{Email: tt.in, Name: "A", Password: "long enough pass"}
				r.Normalize()
				if ae, ok := apperr.As(r.Validate()); !ok || ae.Fields["email"] == "" {
					t.Fatalf("Validate(%q) = %v, want an email field error", tt.in, ae)
				}
				return
			}
			if problem != "" || got != tt.want {
				t.Fatalf("CanonicalEmail(%q) = %q, %q; want %q", tt.in, got, problem, tt.want)
			}
		})
	}
}

func TestNamesNormalized(t *testing.T) {
	tests := []struct {
		name, in, want string
		refused        bool
	}{
		{"OKNFC", "Zoe\u0308 Lima", "Zoë Lima", false},
		{"OKSpaces", "  Ana   Lima ", "Ana Lima", false},
		{"ErrRTLOverride", "Ana \u202eamiL", "", true},
		{"ErrIsolate", "Ana \u2067Lima\u2069", "", true},
		{"ErrZeroWidth", "An\u200ba", "", true},
		{"ErrSoftHyphen", "An\u00ada", "", true},
		{"ErrControl", "A\x07B", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := account.Registration{Email: "a@example.com", Name: tt.in, Password: "long enough pass"}
			r.Normalize()
			err := r.Validate()
			if tt.refused {
				if ae, ok := apperr.As(err); !ok || ae.Fields["name"] == "" {
					t.Fatalf("Validate(name %q) = %v, want a name field error", tt.in, err)
				}
				return
			}
			if err != nil || r.Name != tt.want {
				t.Fatalf("name %q became %q (%v); want %q", tt.in, r.Name, err, tt.want)
			}
		})
	}
}

// A look-alike of a registered address is the same account (taken), and
// signing in works with any spelling that folds to it.
func TestEmailUniquenessFolded(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	if _, err := s.Register(ctx, account.Registration{Email: "Zoë@Bücher.example", Name: "Zoë", Password: "long enough pass"}, account.Candidate); err != nil {
		t.Fatal(err)
	}
	for _, e := range []string{"ZOË@bücher.example", "zoë@XN--BCHER-KVA.example", "ｚｏë@bücher.example"} {
		_, err := s.Register(ctx, account.Registration{Email: e, Name: "Other", Password: "long enough pass"}, account.Candidate)
		if !errors.Is(err, account.ErrEmailTaken) {
			t.Errorf("Register(%q) = %v, want ErrEmailTaken", e, err)
		}
		if _, err := s.Authenticate(ctx, e, "long enough pass"); err != nil {
			t.Errorf("Authenticate(%q) = %v", e, err)
		}
	}
}
