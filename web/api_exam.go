package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/mopscert/mopscert/exam"
)

func (s *Server) examRoutes(api *echo.Group) {
	api.GET("/tiers", s.handleTiers)
	a := api.Group("/attempts", requireUser)
	a.POST("", s.handleAttemptStart)
	a.GET("", s.handleAttempts)
	a.GET("/:id", s.handleAttempt)
	a.PUT("/:id/answers/:qid", s.handleAnswerSave)
	a.POST("/:id/submit", s.handleAttemptSubmit)
	a.GET("/:id/result", s.handleAttemptResult)
}

// userID is the caller's id, or "" when signed out.
func userID(c echo.Context) string {
	if u := currentUser(c); u != nil {
		return u.ID
	}
	return ""
}

func (s *Server) handleTiers(c echo.Context) error {
	tiers, err := s.exams.Tiers(c.Request().Context(), userID(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, tiers)
}

type startRequest struct {
	Tier string `json:"tier"`
	// Language of the questions: en or de; the API defaults to English
	// whatever the page language, so a client's exams do not change with
	// its Accept-Language.
	Language string `json:"language"`
}

func (s *Server) handleAttemptStart(c echo.Context) error {
	var r startRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	u := currentUser(c)
	if err := s.accounts.RequireVerifiedEmail(c.Request().Context(), u.ID); err != nil {
		return err
	}
	a, err := s.exams.StartIn(c.Request().Context(), u.ID, u.Name, r.Tier, r.Language)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, a)
}

func (s *Server) handleAttempts(c echo.Context) error {
	list, err := s.exams.Attempts(c.Request().Context(), userID(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, list)
}

func (s *Server) handleAttempt(c echo.Context) error {
	a, err := s.exams.Attempt(c.Request().Context(), userID(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, a)
}

type answerRequest struct {
	Choices []string `json:"choices"`
	Value   string   `json:"value"` // numeric questions: the number as typed
	Flagged bool     `json:"flagged"`
}

func (s *Server) handleAnswerSave(c echo.Context) error {
	var r answerRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	ack, err := s.exams.SaveResponse(c.Request().Context(), userID(c), c.Param("id"), c.Param("qid"),
		exam.AnswerInput{Choices: r.Choices, Value: r.Value, Flagged: r.Flagged})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ack)
}

func (s *Server) handleAttemptSubmit(c echo.Context) error {
	res, err := s.exams.Submit(c.Request().Context(), userID(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}

func (s *Server) handleAttemptResult(c echo.Context) error {
	res, err := s.exams.Result(c.Request().Context(), userID(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}
