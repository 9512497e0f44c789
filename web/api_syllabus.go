package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/mopscert/mopscert/bank"
)

// syllabus is a tier's syllabus as the API returns it.
type syllabus struct {
	Tier  string              `json:"tier"`
	Areas []bank.SyllabusArea `json:"areas"`
}

// handleSyllabus returns what a tier examines: the competency framework's
// areas with their share of the form and their competencies. Public, like
// the tiers themselves: candidates prepare from it.
func (s *Server) handleSyllabus(c echo.Context) error {
	t, err := s.exams.Tier(c.Request().Context(), c.Param("code"))
	if err != nil {
		return err
	}
	areas := bank.Competencies().Syllabus(t.Code)
	if areas == nil {
		areas = []bank.SyllabusArea{}
	}
	return c.JSON(http.StatusOK, syllabus{Tier: t.Code, Areas: areas})
}
