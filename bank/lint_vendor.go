package bank

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Vendor names: the certification is vendor-neutral, so an active item may
// not name a product.

// vendorsIn returns the vendor names in s, each once, in order of first
// appearance. Names match whole words, case-insensitively; the words of a
// multi-word name ("Google Analytics", "Outreach.io") may be joined by
// spaces, dots, hyphens or Markdown emphasis, but not by other punctuation.
func (l *Linter) vendorsIn(s string) []string {
	if len(l.vendors) == 0 {
		return nil
	}
	var found []string
	var buf [32]byte
	for st, e := nextWord(s, 0); st >= 0; st, e = nextWord(s, e) {
		var cands []vendorName
		if w := s[st:e]; len(w) <= len(buf) && isASCII(w) {
			lw := buf[:0]
			for i := 0; i < len(w); i++ {
				c := w[i]
				if 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
				}
				lw = append(lw, c)
			}
			cands = l.vendors[string(lw)] // indexing with string(bytes) does not allocate
		} else {
			cands = l.vendors[strings.ToLower(w)]
		}
	names:
		for _, v := range cands {
			prev := e
			for _, want := range v.words[1:] {
				st2, e2 := nextWord(s, prev)
				if st2 < 0 || !strings.EqualFold(s[st2:e2], want) || !vendorJoiner(s[prev:st2]) {
					continue names
				}
				prev = e2
			}
			if !slices.Contains(found, v.name) {
				found = append(found, v.name)
			}
		}
	}
	return found
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func vendorJoiner(sep string) bool {
	return len(sep) <= 8 && strings.Trim(sep, " \t\r\n.-_*~`") == ""
}

// DefaultVendorNames lists the vendors and products the vendor rule flags by
// default. Names that are also ordinary words in marketing operations are
// listed only in unambiguous product forms, because a false hit blocks
// activation: "Dynamics" (as in "team dynamics") only as Microsoft Dynamics,
// Dynamics 365 or Dynamics CRM; "Segment" only as Segment.io or Twilio
// Segment; "Outreach" only as Outreach.io; "Drift" (data drift) only as
// Drift.com; "Acoustic" only as Acoustic Campaign; "Google" (also a verb)
// only with a product name; "Act-On" (as in "act on feedback") not at all.
func DefaultVendorNames() []string {
	return []string{
		"Marketo", "HubSpot", "Salesforce", "SFDC", "Pardot", "ExactTarget", "Eloqua", "Adobe", "Oracle",
		"Microsoft Dynamics", "Dynamics 365", "Dynamics CRM",
		"Google Analytics", "Google Ads", "Google Tag Manager", "GA4",
		"Mailchimp", "Zapier", "Workato", "Segment.io", "Twilio Segment", "Tealium", "mParticle",
		"Tableau", "Looker", "Power BI", "Mixpanel",
		"6sense", "Demandbase", "Bombora", "ZoomInfo", "Clearbit", "LeanData",
		"Outreach.io", "Salesloft", "Gong", "Drift.com", "Intercom",
		"Braze", "Iterable", "Klaviyo", "Acoustic Campaign", "Silverpop",
		"Gainsight", "Sitecore", "Bizible", "Pipedrive", "Zoho",
	}
}
