package account

import (
	"fmt"
	"unicode/utf8"
)

// CheckName puts a name in its canonical form and returns it, with why it
// cannot be used ("" when it can): the registration rules, for a correction.
func CheckName(name string) (string, string) {
	name = CanonicalName(name)
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		return name, "Enter the name as it should appear on your certificate."
	case n > MaxName:
		return name, fmt.Sprintf("Keep the name under %d characters.", MaxName)
	case hasInvisible(name):
		return name, identityMessage(idInvisible, "name")
	}
	return name, ""
}
