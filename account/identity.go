package account

import (
	"strings"
	"unicode"

	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"

	"github.com/mopscert/mopscert/apperr"
)

// Identities are shown on certificates and the public verify page, so an
// address or name that looks like another must not get in. E-mail
// addresses are compared in one canonical form: NFKC (full-width and
// compatibility letters become plain ones), the local part lower-cased (the
// users table already treats addresses case-insensitively, so folding here
// keeps uniqueness and lookup consistent beyond ASCII), and the domain in
// its ASCII (punycode) form, so a look-alike domain shows as xn--….

// Reasons an identity is refused (see identityMessage).
const (
	idInvisible   = "invisible"    // zero-width, format or bidi-control characters
	idMixedScript = "mixed_script" // e.g. Latin with Cyrillic in one local part
	idBadDomain   = "bad_domain"   // not a valid internationalized domain name
	idCombining   = "combining"    // a combining mark that composes with nothing
)

// CanonicalEmail returns the canonical form of an e-mail address and, when
// the address is not acceptable, why (one of the id* codes, or "" when
// only the syntax check remains). The canonical form is best effort even
// for a refused address, so it can still key a rate limit.
func CanonicalEmail(raw string) (string, string) {
	s := norm.NFKC.String(strings.TrimSpace(raw))
	if hasInvisible(s) {
		return strings.ToLower(s), idInvisible
	}
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return strings.ToLower(s), ""
	}
	local, domain := norm.NFC.String(strings.ToLower(s[:at])), s[at+1:]
	ascii, err := idna.Lookup.ToASCII(domain)
	if err != nil {
		return local + "@" + strings.ToLower(domain), idBadDomain
	}
	out := local + "@" + ascii
	for _, r := range local {
		if unicode.Is(unicode.Mn, r) {
			return out, idCombining
		}
	}
	if mixedScript(local) {
		return out, idMixedScript
	}
	return out, ""
}

// CanonicalName is how a holder's name is stored: NFC (one spelling per
// visible name) with runs of spaces collapsed.
func CanonicalName(raw string) string {
	return norm.NFC.String(strings.Join(strings.Fields(raw), " "))
}

// hasInvisible reports format characters (Unicode Cf: zero-width spaces
// and joiners, bidi embeddings, overrides and isolates, soft hyphens) and
// other controls: nothing a reader can see, everything a spoofer needs.
func hasInvisible(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool {
		return unicode.Is(unicode.Cf, r) || unicode.IsControl(r) || r == '\u2028' || r == '\u2029'
	}) >= 0
}

// scripts a local part may be written in; Han and the Japanese and Korean
// scripts count as one, since they are written together.
var scripts = []struct {
	name string
	tab  *unicode.RangeTable
}{
	{"Latin", unicode.Latin}, {"Greek", unicode.Greek}, {"Cyrillic", unicode.Cyrillic},
	{"Armenian", unicode.Armenian}, {"Georgian", unicode.Georgian}, {"Hebrew", unicode.Hebrew},
	{"Arabic", unicode.Arabic}, {"Devanagari", unicode.Devanagari}, {"Bengali", unicode.Bengali},
	{"Thai", unicode.Thai}, {"CJK", unicode.Han}, {"CJK", unicode.Hiragana}, {"CJK", unicode.Katakana},
	{"CJK", unicode.Hangul}, {"CJK", unicode.Bopomofo},
}

// mixedScript reports letters of more than one script (digits and
// punctuation belong to all). Letters of a script not listed count as
// their own script.
func mixedScript(s string) bool {
	seen := ""
	for _, r := range s {
		if !unicode.IsLetter(r) {
			continue
		}
		name := "other"
		for _, sc := range scripts {
			if unicode.Is(sc.tab, r) {
				name = sc.name
				break
			}
		}
		if seen == "" {
			seen = name
		} else if name != seen {
			return true
		}
	}
	return false
}

// identityMessage words a refusal for the person typing it.
// The zero Msg (no code) means the identity is fine.
func identityMessage(code, field string) apperr.Msg {
	switch code {
	case idInvisible:
		if field == "name" {
			return codeNameInvisible.Msg("Your name contains an invisible or text-direction character; type it without one.")
		}
		return codeEmailInvisible.Msg("The email address contains an invisible character; type it again.")
	case idMixedScript:
		return codeEmailMixedScript.Msg("The part before @ mixes letters of different alphabets (e.g. Latin and Cyrillic); type it in one.")
	case idBadDomain:
		return codeEmailBadDomain.Msg("The part after @ is not a valid domain name.")
	case idCombining:
		return codeEmailCombining.Msg("The email address contains an accent that belongs to no letter; type it again.")
	}
	return apperr.Msg{}
}
