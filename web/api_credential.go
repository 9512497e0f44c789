package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mopscert/mopscert/bank"
	"github.com/mopscert/mopscert/exam/cert"
)

// Media types of the two forms of an Open Badge (VC Data Model 2.0 and
// VC-JOSE-COSE).
const (
	mimeVCLD  = "application/vc+ld+json"
	mimeVCJWT = "application/vc+jwt"
	mimeLD    = "application/ld+json"
)

// handleCredential serves the certificate as an OpenBadgeCredential: JSON-LD
// with its Data Integrity proof, or ?format=jwt for the vc+jwt.
func (s *Server) handleCredential(c echo.Context) error {
	cr, err := s.ownCertificate(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	owner, err := s.accounts.FindUserByID(ctx, cr.UserID)
	if err != nil {
		return fmt.Errorf("credential %s: holder: %w", cr.ID, err)
	}
	a, err := s.achievement(ctx, cr.Tier)
	if err != nil {
		return err
	}
	if c.QueryParam("format") == "jwt" {
		jws, err := s.certs.OpenBadgeJWT(ctx, cr.ID, owner.Email, a)
		if err != nil {
			return err
		}
		return c.Blob(http.StatusOK, mimeVCJWT, []byte(jws))
	}
	doc, err := s.certs.OpenBadge(ctx, cr.ID, owner.Email, a)
	if err != nil {
		return err
	}
	if c.QueryParam("download") == "1" {
		c.Response().Header().Set("Content-Disposition", `attachment; filename="`+cr.ID+`.json"`)
	}
	return jsonAs(c, mimeVCLD, doc)
}

// jsonAs writes v as JSON under a media type of our choosing (c.JSON
// always says application/json).
func jsonAs(c echo.Context, mime string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, mime, b)
}

// achievement describes a tier as an Open Badges Achievement: the criteria
// are the pass mark, the form and the syllabus areas the exam covers.
func (s *Server) achievement(ctx context.Context, tier string) (cert.Achievement, error) {
	t, err := s.exams.Tier(ctx, tier)
	if err != nil {
		return cert.Achievement{}, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Pass the proctored-online %s exam (%d questions, %d minutes) with a score of at least %d %%.",
		t.Name, t.QuestionCount, t.TimeLimitSeconds/60, t.PassPercent)
	if t.Prerequisite != nil {
		fmt.Fprintf(&b, " Requires a valid %s certificate.", *t.Prerequisite)
	}
	if areas := bank.Competencies().Syllabus(t.Code); len(areas) > 0 {
		b.WriteString(" The exam covers:")
		for _, a := range areas {
			fmt.Fprintf(&b, " %s (%d %%);", a.Title, a.Weight)
		}
		s := strings.TrimSuffix(b.String(), ";") + "."
		b.Reset()
		b.WriteString(s)
	}
	fmt.Fprintf(&b, " Valid for %d days; renewable.", t.ValidityDays)
	desc := t.Description
	if desc == "" {
		desc = t.Name + ", a vendor-neutral marketing-operations certification."
	}
	return cert.Achievement{Tier: t.Code, Name: t.Name, Description: desc, Criteria: b.String()}, nil
}
