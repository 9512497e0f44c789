package cert

import (
	"context"
	"net/url"
	"testing"
)

func TestLinkedInURL(t *testing.T) {
	fx := mustService(t)
	fx.svc.SetOrgName("MOps Guild e.V.")
	c := fx.issue(t, request("Ada Lovelace"))
	u, err := url.Parse(c.LinkedInURL)
	if err != nil {
		t.Fatalf("linkedin_url %q: %v", c.LinkedInURL, err)
	}
	if got, want := u.Scheme+"://"+u.Host+u.Path, "https://www.linkedin.com/profile/add"; got != want {
		t.Errorf("link goes to %s, want %s", got, want)
	}
	q := u.Query()
	want := map[string]string{
		"startTask":        "CERTIFICATION_NAME",
		"name":             c.TierName,
		"organizationName": "MOps Guild e.V.",
		"issueYear":        "2026",
		"issueMonth":       "3",
		"expirationYear":   "2028",
		"expirationMonth":  "3",
		"certUrl":          testBaseURL + "/verify?id=" + c.ID,
		"certId":           c.ID,
	}
	for k, v := range want {
		if got := q.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if len(q) != len(want) {
		t.Errorf("link has %d parameters, want %d: %s", len(q), len(want), c.LinkedInURL)
	}

	t.Run("ErrRevoked", func(t *testing.T) {
		r, err := fx.svc.Revoke(context.Background(), c.ID, "misconduct", "admin")
		if err != nil {
			t.Fatal(err)
		}
		if r.LinkedInURL != "" {
			t.Errorf("revoked certificate has a LinkedIn link: %s", r.LinkedInURL)
		}
	})
}
