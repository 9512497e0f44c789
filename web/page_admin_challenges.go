package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mopscert/mopscert/bank"
	"github.com/mopscert/mopscert/exam"
)

// challengePages: the candidate's comment form on the result page, the
// admins' review queue with decisions, and the regrade page.
func (s *Server) challengePages(e *echo.Echo, admin *echo.Group) {
	e.POST("/exam/:id/comment", s.pageCommentPost, requirePageUser)
	admin.GET("/challenges", s.pageChallenges)
	admin.POST("/challenges/:id/decision", s.pageChallengeDecision)
	admin.GET("/regrades", s.pageRegrades)
	admin.POST("/regrades", s.pageRegradePost)
}

// resultComments adds the candidate's comments (with the decisions) and,
// while the window is open, the questions they may comment on.
func (s *Server) resultComments(c echo.Context, res *exam.Result, data map[string]any) error {
	ctx := c.Request().Context()
	m, err := s.exams.Comments(ctx, userID(c), res.AttemptID)
	if err != nil {
		return err
	}
	a, err := s.exams.Attempt(ctx, userID(c), res.AttemptID)
	if err != nil {
		return err
	}
	type row struct {
		ID       string
		Position int
		Comment  *exam.Challenge
	}
	rows := make([]row, 0, len(a.Questions))
	for _, q := range a.Questions {
		rows = append(rows, row{ID: q.ID, Position: q.Position, Comment: m[q.ID]})
	}
	data["Comments"] = rows
	data["CommentsOpen"] = s.exams.CommentsOpen(a.Status, a.SubmittedAt)
	data["CommentCount"] = len(m)
	return nil
}

func (s *Server) pageCommentPost(c echo.Context) error {
	id := c.Param("id")
	if _, err := s.exams.SaveComment(c.Request().Context(), userID(c), id, c.FormValue("question_id"), c.FormValue("text")); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/exam/"+url.PathEscape(id)+"/result#comments")
}

// challengeGroup is one item's challenges beside its figures and history.
type challengeGroup struct {
	ItemID     string
	Item       *bank.Item
	Challenges []*exam.Challenge
	Open       int
	Stats      []itemStatsJSON
	Events     []bank.Event
	Tiers      []string
}

func (s *Server) pageChallenges(c echo.Context) error {
	ctx := c.Request().Context()
	status := c.QueryParam("status")
	if status == "" {
		status = "open"
	}
	if status == "all" {
		status = ""
	}
	list, err := s.exams.Challenges(ctx, exam.ChallengeFilter{Status: status, ItemID: c.QueryParam("item_id")})
	if err != nil {
		return err
	}
	var groups []*challengeGroup
	for _, ch := range list {
		if len(groups) == 0 || groups[len(groups)-1].ItemID != ch.ItemID {
			groups = append(groups, &challengeGroup{ItemID: ch.ItemID})
		}
		g := groups[len(groups)-1]
		g.Challenges = append(g.Challenges, ch)
		if ch.Status == "open" {
			g.Open++
		}
	}
	for _, g := range groups {
		if g.Item, err = s.bank.FindItemByID(ctx, g.ItemID); err != nil {
			return err
		}
		if g.Events, err = s.bank.Events(ctx, g.ItemID); err != nil {
			return err
		}
		if len(g.Events) > 5 {
			g.Events = g.Events[:5]
		}
		g.Tiers = g.Item.Tiers
		for _, t := range g.Item.Tiers {
			ts, err := s.exams.TierStats(ctx, t, time.Time{})
			if err != nil {
				continue // a tier renamed or gone: the figures are optional
			}
			g.Stats = append(g.Stats, itemRows(localizer(c), []*exam.TierStats{ts}, g.ItemID)...)
		}
	}
	lc := localizer(c)
	flash := ""
	if c.QueryParam("done") == "decided" {
		flash = lc.T("admin.challenges.done", "Decision", lc.codeWord("admin.decision.", c.QueryParam("decision")))
	}
	return s.render(c, http.StatusOK, "admin_challenges", page{Title: lc.T("admin.challenges.title"), Nav: "challenges", Flash: flash,
		Data: map[string]any{"Groups": groups, "Status": c.QueryParam("status")}})
}

func (s *Server) pageChallengeDecision(c echo.Context) error {
	ch, err := s.exams.DecideChallenge(c.Request().Context(), c.Param("id"), c.FormValue("decision"), c.FormValue("response"), actor(c))
	if err != nil {
		return err
	}
	// The next page words what happened from codes, in its own language.
	next := "/admin/challenges?item_id=" + url.QueryEscape(ch.ItemID) + "&status=all&done=decided&decision=" + url.QueryEscape(ch.Decision)
	if ch.Decision == exam.DecisionUpheld {
		next = "/admin/regrades?item_id=" + url.QueryEscape(ch.ItemID) + "&done=upheld"
	}
	return c.Redirect(http.StatusSeeOther, next)
}

func (s *Server) pageRegrades(c echo.Context) error {
	list, err := s.exams.Regrades(c.Request().Context())
	if err != nil {
		return err
	}
	var it *bank.Item
	if id := c.QueryParam("item_id"); id != "" {
		if it, err = s.bank.FindItemByID(c.Request().Context(), id); err != nil {
			return err
		}
	}
	flash := ""
	if c.QueryParam("done") == "upheld" {
		flash = localizer(c).T("admin.regrades.upheld")
	}
	return s.render(c, http.StatusOK, "admin_regrades", page{Title: localizer(c).T("admin.regrades.title"), Nav: "challenges", Flash: flash,
		Data: map[string]any{"Regrades": list, "Item": it}})
}

// pageRegradePost runs a regrade from the form: a dry run shows its plan
// on the page with a button to apply exactly that request.
func (s *Server) pageRegradePost(c echo.Context) error {
	req := exam.RegradeRequest{ItemID: c.FormValue("item_id"), Action: c.FormValue("action"), Reason: c.FormValue("reason"),
		DryRun: c.FormValue("dry_run") == "1", AllowAdverse: c.FormValue("allow_adverse") == "1"}
	fields := map[string]string{}
	for _, f := range strings.FieldsFunc(c.FormValue("correct"), func(r rune) bool { return r == ',' || r == ' ' }) {
		n, err := strconv.Atoi(f)
		if err != nil {
			fields["correct"] = localizer(c).T("admin.regrades.correct_invalid")
			break
		}
		req.Correct = append(req.Correct, n-1) // the form counts from 1, like the item page
	}
	var plan *exam.Regrade
	var err error
	if len(fields) == 0 {
		plan, err = s.exams.Regrade(c.Request().Context(), req, actor(c))
		if ef, msg := localizer(c).fieldErrors(err); err != nil && ef == nil && msg == "" {
			return err
		} else if err != nil {
			fields = ef
			if fields == nil {
				fields = map[string]string{"": msg}
			}
		}
	}
	list, lerr := s.exams.Regrades(c.Request().Context())
	if lerr != nil {
		return lerr
	}
	it, _ := s.bank.FindItemByID(c.Request().Context(), req.ItemID)
	form := map[string]string{"item_id": req.ItemID, "action": req.Action, "reason": req.Reason, "correct": c.FormValue("correct")}
	if req.AllowAdverse {
		form["allow_adverse"] = "1"
	}
	status := http.StatusOK
	if len(fields) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return s.render(c, status, "admin_regrades", page{Title: localizer(c).T("admin.regrades.title"), Nav: "challenges", Errors: fields, Form: form,
		Data: map[string]any{"Regrades": list, "Item": it, "Plan": plan}})
}
