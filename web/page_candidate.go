package web

import (
	"encoding/base64"
	"errors"
	"html/template"
	"net/http"

	"github.com/labstack/echo/v4"
	"rsc.io/qr"

	"github.com/mopscert/mopscert/apperr"
	"github.com/mopscert/mopscert/exam"
	"github.com/mopscert/mopscert/exam/cert"
)

// reasons turns eligibility codes into sentences a candidate understands.
var reasons = map[string]string{
	"prerequisite_missing": "Pass the previous tier first (with a certificate that is still valid).",
	"retake_too_soon":      "You can retake this exam after a short wait.",
	"already_certified":    "You already hold a valid certificate for this tier.",
	"too_many_attempts":    "You have used the attempts allowed for now.",
	"attempt_in_progress":  "You have an exam in progress; finish it first.",
	"tier_unavailable":     "This exam is not available right now.",
}

func (s *Server) pageHome(c echo.Context) error {
	tiers, err := s.exams.Tiers(c.Request().Context(), "")
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "home", page{Data: tiers})
}

// tierCard is one tier on the dashboard, with what the candidate can do.
type tierCard struct {
	Tier        exam.Tier
	Certificate *cert.Credential
	InProgress  *exam.AttemptSummary
	Reason      string
	Attempts    []exam.AttemptSummary
}

func (s *Server) pageDashboard(c echo.Context) error {
	ctx := c.Request().Context()
	u := currentUser(c)
	tiers, err := s.exams.Tiers(ctx, u.ID)
	if err != nil {
		return err
	}
	attempts, err := s.exams.Attempts(ctx, u.ID)
	if err != nil {
		return err
	}
	certs, err := s.certs.ForUser(ctx, u.ID)
	if err != nil {
		return err
	}
	cards := make([]tierCard, len(tiers))
	for i, t := range tiers {
		card := tierCard{Tier: t, Reason: reasons[t.IneligibleReason]}
		if t.RetryAfter != nil && card.Reason != "" {
			card.Reason += " You can try again from " + t.RetryAfter.UTC().Format("2 Jan 2006, 15:04 UTC") + "."
		}
		for j := range certs {
			if certs[j].Tier == t.Code && (card.Certificate == nil || certs[j].Status == cert.StatusValid) {
				card.Certificate = &certs[j]
			}
		}
		for j := range attempts {
			a := attempts[j]
			if a.Tier != t.Code {
				continue
			}
			if a.Status == exam.StatusInProgress {
				card.InProgress = &attempts[j]
			}
			card.Attempts = append(card.Attempts, a)
		}
		cards[i] = card
	}
	p := page{Title: "My certification", Nav: "dashboard", Data: cards}
	if p.Notices, err = s.dashboardNotices(ctx, u.ID); err != nil {
		return err
	}
	if err := s.accounts.RequireVerifiedEmail(ctx, u.ID); err != nil {
		p.Flash = "Confirm your e-mail address before your first exam: open the link we sent to " + u.Email + ". No message? Ask for a new link on your Account page."
	}
	return s.render(c, http.StatusOK, "dashboard", p)
}

func (s *Server) pageExamStart(c echo.Context) error {
	u := currentUser(c)
	if err := s.accounts.RequireVerifiedEmail(c.Request().Context(), u.ID); err != nil {
		return err
	}
	a, err := s.exams.Start(c.Request().Context(), u.ID, u.Name, c.FormValue("tier"))
	if err != nil {
		if ae, ok := apperr.As(err); ok && ae.Code == "attempt_in_progress" {
			if id, ok := ae.Extra["attempt_id"].(string); ok {
				return c.Redirect(http.StatusSeeOther, "/exam/"+id)
			}
		}
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/exam/"+a.ID)
}

func (s *Server) pageExam(c echo.Context) error {
	a, err := s.exams.Attempt(c.Request().Context(), userID(c), c.Param("id"))
	if err != nil {
		return err
	}
	if a.Status != exam.StatusInProgress {
		return c.Redirect(http.StatusSeeOther, "/exam/"+a.ID+"/result")
	}
	t, err := s.exams.Tier(c.Request().Context(), a.Tier)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "exam", page{Title: t.Name + " exam", Data: map[string]any{"Attempt": a, "Tier": t}})
}

func (s *Server) pageResult(c echo.Context) error {
	ctx := c.Request().Context()
	res, err := s.exams.Result(ctx, userID(c), c.Param("id"))
	if err != nil {
		if errors.Is(err, exam.ErrAttemptOpen) {
			return c.Redirect(http.StatusSeeOther, "/exam/"+c.Param("id"))
		}
		return err
	}
	t, err := s.exams.Tier(ctx, res.Tier)
	if err != nil {
		return err
	}
	data := map[string]any{"Result": res, "Tier": t}
	if err := s.resultComments(c, res, data); err != nil {
		return err
	}
	if res.Certificate != nil && res.Certificate.Status != cert.StatusRevoked {
		if src, px, ok := qrDataURL(s.cfg.BaseURL + "/verify?id=" + res.Certificate.ID); ok {
			data["QR"], data["QRSize"] = src, px
		}
	}
	return s.render(c, http.StatusOK, "result", page{Title: "Your result", Nav: "dashboard", Data: data})
}

// qrModulePx is how many screen pixels each QR module gets. Phone cameras
// need about 3 or more at 1× pixel density; the page shows the PNG at its
// own size (never scaled down by CSS), quiet zone included.
const qrModulePx = 5

// qrDataURL renders text as a QR code PNG data URL and its width in pixels.
// The on-screen code holds the short id link (a few dozen characters, so
// few, large modules) rather than the token link of the PDF (hundreds of
// characters, a dense code): scanning it opens the live verification.
func qrDataURL(text string) (template.URL, int, bool) {
	code, err := qr.Encode(text, qr.M)
	if err != nil {
		return "", 0, false
	}
	code.Scale = qrModulePx
	// template.URL: html/template would otherwise refuse a data: URL in
	// src; this one is our own PNG.
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(code.PNG())), (code.Size + 8) * qrModulePx, true //nolint:gosec
}
