package web

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/mopscert/mopscert/apperr"
	"github.com/mopscert/mopscert/exam"
	"github.com/mopscert/mopscert/mail"
)

// The candidate page for administrators: one person's attempts, results,
// certificates, extra time and mail, and the audited actions on them.

func (s *Server) adminCandidateRoutes(admin *echo.Group) {
	admin.GET("/candidates/:id", s.pageCandidate)
	admin.POST("/candidates/:id/retake-waiver", s.pageRetakeWaiver)
	admin.POST("/candidates/:id/attempts/:attempt/cancel", s.pageAttemptCancel)
	admin.GET("/candidates/:id/export", s.handleAdminUserExport)
	admin.POST("/candidates/:id/anonymize", s.pageAnonymize)
	admin.GET("/mail", s.pageMail)
	admin.GET("/name-changes", s.pageNameChanges)
	admin.POST("/name-changes/:id/decision", s.pageNameChangeDecision)
}

// candidateFlash are the messages after an action, by the ?done= code.
var candidateFlash = map[string]string{
	"waived":     "admin.candidate.done.waived",
	"cancelled":  "admin.candidate.done.cancelled",
	"anonymized": "admin.candidate.done.anonymized",
}

func (s *Server) candidatePage(c echo.Context, status int, p page) error {
	ctx := c.Request().Context()
	per, err := s.loadPerson(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	tiers, err := s.exams.Tiers(ctx, "")
	if err != nil {
		return err
	}
	p.Title, p.Nav = per.User.Name, "candidates"
	if id, ok := candidateFlash[c.QueryParam("done")]; ok && p.Flash == "" {
		p.Flash = localizer(c).T(id)
	}
	p.Data = map[string]any{"P": per, "Tiers": tiers}
	return s.render(c, status, "admin_candidate", p)
}

func (s *Server) pageCandidate(c echo.Context) error {
	return s.candidatePage(c, http.StatusOK, page{})
}

// actionFailed shows the page again with the form's error next to it.
func (s *Server) actionFailed(c echo.Context, err error, key string, form map[string]string) error {
	fields, msg := localizer(c).fieldErrors(err)
	if msg == "" {
		return err
	}
	errs := map[string]string{key: msg}
	if r := fields["reason"]; r != "" {
		errs[key] = r
	}
	return s.candidatePage(c, http.StatusUnprocessableEntity, page{Errors: errs, Form: form})
}

func (s *Server) candidateDone(c echo.Context, what string) error {
	return c.Redirect(http.StatusSeeOther, "/admin/candidates/"+url.PathEscape(c.Param("id"))+"?done="+what)
}

func (s *Server) pageRetakeWaiver(c echo.Context) error {
	tier, reason := c.FormValue("tier"), c.FormValue("reason")
	if err := s.exams.WaiveRetakeWait(c.Request().Context(), c.Param("id"), tier, actor(c), reason); err != nil {
		return s.actionFailed(c, err, "waiver", map[string]string{"waiver_reason": reason, "tier": tier})
	}
	return s.candidateDone(c, "waived")
}

func (s *Server) pageAttemptCancel(c echo.Context) error {
	id, reason := c.Param("attempt"), c.FormValue("reason")
	// The attempt must be this person's: the form's address names both.
	if err := s.exams.CancelAttempt(c.Request().Context(), c.Param("id"), id, actor(c), reason); err != nil {
		return s.actionFailed(c, err, "cancel-"+id, map[string]string{"cancel_reason": reason})
	}
	return s.candidateDone(c, "cancelled")
}

func (s *Server) pageAnonymize(c echo.Context) error {
	reason := c.FormValue("reason")
	if c.FormValue("confirm") != "yes" {
		confirm := apperr.Fielded(map[string]string{"confirm": localizer(c).T("admin.candidate.anonymize_tick")})
		return s.actionFailed(c, confirm, "anonymize", map[string]string{"anon_reason": reason})
	}
	err := s.accounts.Anonymize(c.Request().Context(), c.Param("id"), actor(c), reason, exam.ScrubPersonTx)
	if err != nil {
		return s.actionFailed(c, err, "anonymize", map[string]string{"anon_reason": reason})
	}
	return s.candidateDone(c, "anonymized")
}

// pageMail is the outbox for admins. Without an SMTP server it is where
// mail goes (a first install still works: an admin can pass a link on).
func (s *Server) pageMail(c echo.Context) error {
	ctx := c.Request().Context()
	const per = 50
	pg, err := queryInt(c, "page", 1)
	if err != nil {
		return err
	}
	pg = max(pg, 1)
	msgs, total, err := s.outbox.List(ctx, mail.Filter{Limit: per, Offset: (pg - 1) * per})
	if err != nil {
		return err
	}
	r, err := mail.NewRenderer(s.cfg.BaseURL)
	if err != nil {
		return err
	}
	type row struct {
		M    *mail.Message
		R    mail.Rendered
		Sent bool
		Lang string // the language the renderer wrote it in, for lang=
	}
	rows := make([]row, 0, len(msgs))
	for _, m := range msgs {
		out, err := r.Render(m)
		if err != nil {
			out.Subject = m.Kind
		}
		rows = append(rows, row{M: m, R: out, Lang: mailLanguage(m.Language)})
	}
	pages := max(1, (total+per-1)/per)
	return s.render(c, http.StatusOK, "admin_mail", page{Title: localizer(c).T("admin.mail.title"), Nav: "mail", Data: map[string]any{
		"Rows": rows, "MailOn": s.mailOn, "Page": pg, "Pages": pages, "Total": total,
	}})
}

// pageNameChanges lists the name corrections waiting for a decision.
func (s *Server) pageNameChanges(c echo.Context) error {
	p := page{}
	if done := c.QueryParam("done"); done == "approved" || done == "rejected" {
		p.Flash = localizer(c).T("admin.names.done." + done)
	}
	return s.nameChangesPage(c, http.StatusOK, p)
}

func (s *Server) nameChangesPage(c echo.Context, status int, p page) error {
	list, err := s.exams.NameChanges(c.Request().Context(), "", "pending")
	if err != nil {
		return err
	}
	p.Title, p.Nav, p.Data = localizer(c).T("admin.names.title"), "candidates", list
	return s.render(c, status, "admin_name_changes", p)
}

func (s *Server) pageNameChangeDecision(c echo.Context) error {
	id, decision, response := c.Param("id"), c.FormValue("decision"), c.FormValue("response")
	n, err := s.decideNameChange(c, id, decision, response)
	if err != nil {
		fields, msg := localizer(c).fieldErrors(err)
		if msg == "" {
			return err
		}
		m := msg
		for _, v := range fields {
			m = v
		}
		return s.nameChangesPage(c, http.StatusUnprocessableEntity, page{Errors: map[string]string{id: m}, Form: map[string]string{id: response}})
	}
	return c.Redirect(http.StatusSeeOther, "/admin/name-changes?done="+n.Status)
}

// mailLanguage is the language a message is rendered in: its own when the
// renderer has wording for it, else the renderer's first.
func mailLanguage(lang string) string {
	for _, l := range mail.Languages {
		if l == lang {
			return l
		}
	}
	return mail.Languages[0]
}
