package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/mopscert/mopscert/exam"
)

// standardRoutes: modified-Angoff standard-setting studies (admin).
func (s *Server) standardRoutes(g *echo.Group) {
	g.GET("/standards", s.handleStudies)
	g.POST("/standards", s.handleStudyCreate)
	g.GET("/standards/:id", s.handleStudy)
	g.PUT("/standards/:id/ratings", s.handleStudyRate)
	g.GET("/standards/:id/summary", s.handleStudySummary)
	g.POST("/standards/:id/rounds", s.handleStudyNextRound)
	g.POST("/standards/:id/approve", s.handleStudyApprove)
}

func (s *Server) handleStudies(c echo.Context) error {
	list, err := s.exams.Studies(c.Request().Context(), c.QueryParam("tier"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"studies": list})
}

func (s *Server) handleStudyCreate(c echo.Context) error {
	var r exam.StudyCreate
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	st, err := s.exams.CreateStudy(c.Request().Context(), r, actor(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, st)
}

func (s *Server) handleStudy(c echo.Context) error {
	st, err := s.exams.Study(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, st)
}

type ratingsRequest struct {
	Ratings map[string]float64 `json:"ratings"`
}

// handleStudyRate saves the caller's own ratings for the current round.
func (s *Server) handleStudyRate(c echo.Context) error {
	var r ratingsRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	ctx := c.Request().Context()
	if err := s.exams.Rate(ctx, c.Param("id"), userID(c), r.Ratings); err != nil {
		return err
	}
	st, err := s.exams.Study(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	mine, err := s.exams.Ratings(ctx, st.ID, userID(c), st.Round)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"round": st.Round, "ratings": mine})
}

func (s *Server) handleStudySummary(c echo.Context) error {
	round, _ := strconv.Atoi(c.QueryParam("round"))
	sum, err := s.exams.Summary(c.Request().Context(), c.Param("id"), round)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, sum)
}

func (s *Server) handleStudyNextRound(c echo.Context) error {
	st, err := s.exams.NextRound(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, st)
}

func (s *Server) handleStudyApprove(c echo.Context) error {
	st, err := s.exams.ApproveStudy(c.Request().Context(), c.Param("id"), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, st)
}
