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
	// Languages the exam can be taken in (its blueprint can be filled in
	// them); the start form offers these.
	Languages []string
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
	lc := localizer(c)
	for i, t := range tiers {
		langs, err := s.exams.LanguagesOf(ctx, t)
		if err != nil {
			return err
		}
		card := tierCard{Tier: t, Languages: langs}
		if t.IneligibleReason != "" && lc.has("eligibility."+t.IneligibleReason) {
			card.Reason = lc.T("eligibility." + t.IneligibleReason)
			if t.RetryAfter != nil {
				card.Reason += " " + lc.T("dashboard.try_again_from", "Date", formatDateTime(lc.Lang, *t.RetryAfter))
			}
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
	p := page{Title: localizer(c).T("dashboard.title"), Nav: "dashboard", Data: cards}
	if p.Notices, err = s.dashboardNotices(ctx, localizer(c), u.ID); err != nil {
		return err
	}
	if err := s.accounts.RequireVerifiedEmail(ctx, u.ID); err != nil {
		p.Flash = localizer(c).T("dashboard.verify_email", "Email", u.Email)
	}
	return s.render(c, http.StatusOK, "dashboard", p)
}

func (s *Server) pageExamStart(c echo.Context) error {
	u := currentUser(c)
	if err := s.accounts.RequireVerifiedEmail(c.Request().Context(), u.ID); err != nil {
		return err
	}
	// The form offers the languages the exam can be filled in; without a
	// choice the candidate reads the exam in the page's language.
	lang := c.FormValue("language")
	if lang == "" {
		lang = localizer(c).Lang
	}
	a, err := s.exams.StartIn(c.Request().Context(), u.ID, u.Name, c.FormValue("tier"), lang)
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
	return s.render(c, http.StatusOK, "exam", page{Title: localizer(c).T("exam.title", "Tier", localizer(c).tierName(t.Code, t.Name)), Data: map[string]any{"Attempt": a, "Tier": t}})
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
	return s.render(c, http.StatusOK, "result", page{Title: localizer(c).T("result.title", "Tier", localizer(c).tierName(t.Code, t.Name)), Nav: "dashboard", Data: data})
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
