package cert

import (
	"net/url"
	"strconv"
	"strings"
)

// linkedInURL is LinkedIn's "Add to profile" link for a certification: the
// form opens filled in with the certification's name, our organisation, the
// issue and expiry month, the short verification link and the id. Revoked
// and superseded certificates get none: the holder should list the one that
// stands.
func (s *Service) linkedInURL(c *Credential) string {
	if c.Status == StatusRevoked || c.Status == StatusSuperseded {
		return ""
	}
	params := []struct{ k, v string }{
		{"startTask", "CERTIFICATION_NAME"},
		{"name", c.TierName},
		{"organizationName", s.orgName},
		{"issueYear", strconv.Itoa(c.IssuedAt.Year())},
		{"issueMonth", strconv.Itoa(int(c.IssuedAt.Month()))},
		{"expirationYear", strconv.Itoa(c.ExpiresAt.Year())},
		{"expirationMonth", strconv.Itoa(int(c.ExpiresAt.Month()))},
		{"certUrl", s.shortVerifyURL(c.ID)},
		{"certId", c.ID},
	}
	var b strings.Builder
	b.WriteString("https://www.linkedin.com/profile/add?")
	for i, p := range params {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.k + "=" + url.QueryEscape(p.v))
	}
	return b.String()
}
