package web

import (
	"context"
	"database/sql"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mopscert/mopscert/account"
	"github.com/mopscert/mopscert/audit"
	"github.com/mopscert/mopscert/exam"
	"github.com/mopscert/mopscert/exam/cert"
	"github.com/mopscert/mopscert/mail"
)

// adminUserRoutes: one person's record and the actions on it (admin only).
func (s *Server) adminUserRoutes(g *echo.Group) {
	g.GET("/users/:id", s.handleAdminUser)
	g.GET("/users/:id/export", s.handleAdminUserExport)
	g.POST("/users/:id/retake-waivers", s.handleRetakeWaiver)
	g.POST("/users/:id/anonymize", s.handleAnonymize)
	g.POST("/attempts/:id/cancel", s.handleAttemptCancel)
}

// person is everything the candidate page and the API show about someone.
type person struct {
	User          *account.User         `json:"user"`
	EmailVerified bool                  `json:"email_verified"`
	Language      string                `json:"language"`
	Accommodation *exam.Accommodation   `json:"accommodation"`
	Attempts      []exam.AttemptSummary `json:"attempts"`
	Certificates  []cert.Credential     `json:"certificates"`
	Mail          []*mail.Message       `json:"mail"`
	Actions       []audit.Action        `json:"admin_actions"`
}

func (s *Server) loadPerson(ctx context.Context, id string) (*person, error) {
	u, err := s.accounts.FindUserByID(ctx, id)
	if err != nil {
		return nil, err
	}
	p := &person{User: u}
	if p.EmailVerified, err = s.accounts.EmailVerified(ctx, id); err != nil {
		return nil, err
	}
	if p.Language, err = s.accounts.Language(ctx, id); err != nil {
		return nil, err
	}
	acc, err := s.exams.Accommodations(ctx)
	if err != nil {
		return nil, err
	}
	if a, ok := acc[id]; ok {
		p.Accommodation = &a
	}
	if p.Attempts, _, err = s.exams.AdminAttempts(ctx, exam.AttemptFilter{UserID: id, Limit: 500}); err != nil {
		return nil, err
	}
	if p.Certificates, err = s.certs.ForUser(ctx, id); err != nil {
		return nil, err
	}
	if p.Mail, _, err = s.outbox.List(ctx, mail.Filter{UserID: id, Limit: 200}); err != nil {
		return nil, err
	}
	for _, m := range p.Mail {
		if mail.IsSecret(m.Kind) {
			m.Args = nil // single-use links are for the person alone
		}
	}
	err = s.db.View(ctx, func(tx *sql.Tx) error {
		p.Actions, err = audit.ForUser(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

func (s *Server) handleAdminUser(c echo.Context) error {
	p, err := s.loadPerson(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

// handleAdminUserExport answers a data access request (GDPR Art. 15): the
// person's record as a JSON file. The export itself is audited.
func (s *Server) handleAdminUserExport(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := s.loadPerson(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	now := s.clock.Now()
	err = s.db.Update(ctx, func(tx *sql.Tx) error {
		return audit.Record(ctx, tx, audit.Action{Actor: actor(c), TargetID: p.User.ID, Action: audit.DataExported,
			Reason: "data access request", At: now})
	})
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="mopscert-`+p.User.ID+`-`+now.Format("2006-01-02")+`.json"`)
	return c.JSONPretty(http.StatusOK, map[string]any{"exported_at": now.Format(time.RFC3339), "person": p}, "  ")
}

type reasonRequest struct {
	Reason string `json:"reason"`
}

type waiverRequest struct {
	Tier   string `json:"tier"`
	Reason string `json:"reason"`
}

func (s *Server) handleRetakeWaiver(c echo.Context) error {
	var r waiverRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	if err := s.exams.WaiveRetakeWait(c.Request().Context(), c.Param("id"), r.Tier, actor(c), r.Reason); err != nil {
		return err
	}
	return s.handleAdminUser(c)
}

func (s *Server) handleAttemptCancel(c echo.Context) error {
	var r reasonRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	if err := s.exams.CancelAttempt(c.Request().Context(), "", c.Param("id"), actor(c), r.Reason); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) handleAnonymize(c echo.Context) error {
	var r reasonRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	if err := s.accounts.Anonymize(c.Request().Context(), c.Param("id"), actor(c), r.Reason, exam.ScrubPersonTx); err != nil {
		return err
	}
	return s.handleAdminUser(c)
}
