package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mopscert/mopscert/exam"
)

// challengeRoutes: candidates' comments on questions, the admins' review
// queue and decisions, and regrades.
func (s *Server) challengeRoutes(api *echo.Group) {
	api.PUT("/attempts/:id/questions/:qid/comment", s.handleCommentSave, requireUser)
	api.GET("/attempts/:id/comments", s.handleComments, requireUser)
	admin := api.Group("/admin", requireAdmin)
	admin.GET("/challenges", s.handleChallenges)
	admin.POST("/challenges/:id/decision", s.handleChallengeDecision)
	admin.GET("/regrades", s.handleRegrades)
	admin.POST("/regrades", s.handleRegrade)
}

type commentRequest struct {
	Text string `json:"text"`
}

// commentJSON is a candidate's view of their comment: never the key, only
// their words and the decision.
type commentJSON struct {
	QuestionID string     `json:"question_id"`
	Text       string     `json:"text"`
	Status     string     `json:"status"`
	Decision   string     `json:"decision,omitempty"`
	Response   string     `json:"response,omitempty"`
	UpdatedAt  *time.Time `json:"updated_at,omitempty"`
}

func toCommentJSON(qid string, c *exam.Challenge) commentJSON {
	if c == nil {
		return commentJSON{QuestionID: qid, Status: "withdrawn"}
	}
	return commentJSON{QuestionID: c.QuestionID, Text: c.Text, Status: c.Status, Decision: c.Decision,
		Response: c.Response, UpdatedAt: &c.UpdatedAt}
}

func (s *Server) handleCommentSave(c echo.Context) error {
	var r commentRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	ch, err := s.exams.SaveComment(c.Request().Context(), userID(c), c.Param("id"), c.Param("qid"), r.Text)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toCommentJSON(c.Param("qid"), ch))
}

func (s *Server) handleComments(c echo.Context) error {
	m, err := s.exams.Comments(c.Request().Context(), userID(c), c.Param("id"))
	if err != nil {
		return err
	}
	out := []commentJSON{}
	for qid, ch := range m {
		out = append(out, toCommentJSON(qid, ch))
	}
	return c.JSON(http.StatusOK, map[string]any{"comments": out})
}

func (s *Server) handleChallenges(c echo.Context) error {
	list, err := s.exams.Challenges(c.Request().Context(), exam.ChallengeFilter{Status: c.QueryParam("status"), ItemID: c.QueryParam("item_id")})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"challenges": list})
}

type decisionRequest struct {
	Decision string `json:"decision"`
	Response string `json:"response"`
}

func (s *Server) handleChallengeDecision(c echo.Context) error {
	var r decisionRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	ch, err := s.exams.DecideChallenge(c.Request().Context(), c.Param("id"), r.Decision, r.Response, actor(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ch)
}

func (s *Server) handleRegrade(c echo.Context) error {
	var r exam.RegradeRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	out, err := s.exams.Regrade(c.Request().Context(), r, actor(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) handleRegrades(c echo.Context) error {
	list, err := s.exams.Regrades(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"regrades": list})
}
