package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/mopscert/mopscert/account"
	"github.com/mopscert/mopscert/apperr"
	"github.com/mopscert/mopscert/exam"
)

// Name correction: a candidate asks, an admin decides; approval reissues
// the valid certificates under the new name.
func (s *Server) nameChangeRoutes(api, admin *echo.Group) {
	api.POST("/me/name-change", s.handleNameChangeRequest, requireUser)
	api.GET("/me/name-change", s.handleMyNameChanges, requireUser)
	admin.GET("/name-changes", s.handleNameChanges)
	admin.POST("/name-changes/:id/decision", s.handleNameChangeDecision)
}

type nameChangeRequest struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

func (s *Server) requestNameChange(c echo.Context, name, reason string) (*exam.NameChange, error) {
	name, problem := account.CheckName(name)
	if problem.Code != "" {
		return nil, problem.On("name")
	}
	return s.exams.RequestNameChange(c.Request().Context(), userID(c), name, reason)
}

func (s *Server) handleNameChangeRequest(c echo.Context) error {
	var r nameChangeRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	n, err := s.requestNameChange(c, r.Name, r.Reason)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, n)
}

func (s *Server) handleMyNameChanges(c echo.Context) error {
	list, err := s.exams.NameChanges(c.Request().Context(), userID(c), "")
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"requests": list})
}

func (s *Server) handleNameChanges(c echo.Context) error {
	list, err := s.exams.NameChanges(c.Request().Context(), "", c.QueryParam("status"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"requests": list})
}

// A name change is decided with the same body as a challenge
// (decisionRequest): decision approve or reject, and a response.

var errDecision = apperr.Fielded(map[string]string{"decision": "Choose approve or reject."})

func (s *Server) decideNameChange(c echo.Context, id, decision, response string) (*exam.NameChange, error) {
	if decision != "approve" && decision != "reject" {
		return nil, errDecision
	}
	n, err := s.exams.DecideNameChange(c.Request().Context(), id, decision == "approve", response, actor(c))
	if err == nil {
		s.accounts.ForgetSessions(n.UserID) // cached sessions carry the old name
	}
	return n, err
}

func (s *Server) handleNameChangeDecision(c echo.Context) error {
	var r decisionRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	n, err := s.decideNameChange(c, c.Param("id"), r.Decision, r.Response)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, n)
}
