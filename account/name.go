package account

import (
	"unicode/utf8"

	"github.com/mopscert/mopscert/apperr"
)

// CheckName puts a name in its canonical form and returns it, with why it
// cannot be used (the zero Msg when it can): the registration rules, for a
// correction.
func CheckName(name string) (string, apperr.Msg) {
	name = CanonicalName(name)
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		return name, codeNewNameRequired.Msg("Enter the name as it should appear on your certificate.")
	case n > MaxName:
		return name, codeNewNameTooLong.Msg("Keep the name under %d characters.", MaxName)
	case hasInvisible(name):
		return name, identityMessage(idInvisible, "name")
	}
	return name, apperr.Msg{}
}
