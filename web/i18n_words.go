package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/mopscert/mopscert/exam/cert"
)

// Words built from codes: the domain packages hand over codes and
// arguments, and these turn them into the reader's language.

// jsMessages are the wording of the exam page's scripts (the js.* ids,
// without the prefix), handed over as a JSON block. The number hint follows
// the exam's language, not the page's: a typed answer is read the exam
// language's way ("34.000" is thirty-four thousand in a German exam).
func (lc *loc) jsMessages(examLang string) map[string]string {
	out := map[string]string{}
	for _, id := range messageIDs("en") {
		if k, ok := strings.CutPrefix(id, "js."); ok {
			out[k] = lc.T(id)
		}
	}
	if !validLang(examLang) {
		examLang = lc.Lang
	}
	out["hint_numeric"] = lc.T("js.hint_numeric_" + examLang)
	return out
}

// typeName is how pages name a question type.
func (lc *loc) typeName(t string) string {
	if lc.has("type." + t) {
		return lc.T("type." + t)
	}
	return t
}

// domainName is a blueprint domain ("lead_management") as a heading. The
// bank's domains are open-ended, so the words are the code made readable.
func (lc *loc) domainName(d string) string {
	if d == "" {
		return d
	}
	return funcs["title"].(func(string) string)(d)
}

// publicReason words a public revocation reason code; unknown codes read as
// "another reason".
func (lc *loc) publicReason(code string) string {
	if lc.has("reason." + code) {
		return lc.T("reason." + code)
	}
	return lc.T("reason." + cert.ReasonOther)
}

// statusText is the title of the error page for an HTTP status.
func (lc *loc) statusText(code int) string {
	if id := "http." + strconv.Itoa(code); lc.has(id) {
		return lc.T(id)
	}
	return http.StatusText(code)
}

// tierName is a tier's name: the catalogue's for the shipped tiers, else the
// name an administrator gave it.
func (lc *loc) tierName(code, name string) string {
	if id := "tier." + code + ".name"; lc.Lang != "en" && lc.has(id) {
		return lc.T(id)
	}
	return name
}

// tierDescription is like tierName for the description: an administrator's
// edit of a shipped tier's English text shows in English.
func (lc *loc) tierDescription(code, desc string) string {
	id := "tier." + code + ".description"
	if lc.Lang != "en" && lc.has(id) && locales["en"].T(id) == desc {
		return lc.T(id)
	}
	return desc
}

// verifyReason words a verification's outcome from its status and fields.
func (lc *loc) verifyReason(v *cert.Verification) string {
	switch v.Status {
	case cert.StatusValid:
		if v.Certificate != nil {
			return lc.T("verify.reason.valid", "Date", formatDate(lc.Lang, v.Certificate.ExpiresAt))
		}
	case cert.StatusExpired:
		if v.Certificate != nil {
			if v.GraceUntil != nil {
				return lc.T("verify.reason.expired_grace", "Date", formatDate(lc.Lang, v.Certificate.ExpiresAt), "Grace", formatDate(lc.Lang, *v.GraceUntil))
			}
			return lc.T("verify.reason.expired", "Date", formatDate(lc.Lang, v.Certificate.ExpiresAt))
		}
	case cert.StatusRevoked:
		if v.RevokedAt != nil {
			return lc.T("verify.reason.revoked", "Date", formatDate(lc.Lang, *v.RevokedAt))
		}
	case cert.StatusSuperseded:
		return lc.T("verify.reason.superseded", "ID", v.SupersededBy)
	case cert.StatusInvalid:
		if id := "verify.reason." + v.ReasonCode; v.ReasonCode != "" && lc.has(id) {
			return lc.T(id)
		}
	}
	return v.Reason
}
