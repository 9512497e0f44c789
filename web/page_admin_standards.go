package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mopscert/mopscert/account"
	"github.com/mopscert/mopscert/exam"
)

// standardPages: study setup, one rating form per panelist, the round
// summary with its chart, next round and approval.
func (s *Server) standardPages(admin *echo.Group) {
	admin.GET("/standards", s.pageStudies)
	admin.POST("/standards", s.pageStudyCreate)
	admin.GET("/standards/:id", s.pageStudy)
	admin.POST("/standards/:id/ratings", s.pageStudyRate)
	admin.POST("/standards/:id/rounds", s.pageStudyNextRound)
	admin.POST("/standards/:id/approve", s.pageStudyApprove)
}

// admins lists the accounts that may sit on a panel.
func (s *Server) admins(c echo.Context) ([]*account.User, error) {
	users, err := s.accounts.Users(c.Request().Context(), "", 1000, 0)
	if err != nil {
		return nil, err
	}
	var out []*account.User
	for _, u := range users {
		if u.Role == account.Admin {
			out = append(out, u)
		}
	}
	return out, nil
}

func (s *Server) pageStudies(c echo.Context) error {
	return s.renderStudies(c, http.StatusOK, nil, nil)
}

func (s *Server) renderStudies(c echo.Context, status int, errs map[string]string, form map[string]string) error {
	ctx := c.Request().Context()
	list, err := s.exams.Studies(ctx, "")
	if err != nil {
		return err
	}
	tiers, err := s.exams.Tiers(ctx, "")
	if err != nil {
		return err
	}
	admins, err := s.admins(c)
	if err != nil {
		return err
	}
	return s.render(c, status, "admin_standards", page{Title: localizer(c).T("admin.standards.title"), Nav: "tiers", Errors: errs, Form: form,
		Data: map[string]any{"Studies": list, "Tiers": tiers, "Admins": admins}})
}

func (s *Server) pageStudyCreate(c echo.Context) error {
	if err := c.Request().ParseForm(); err != nil {
		return err
	}
	req := exam.StudyCreate{Tier: c.FormValue("tier"), Title: c.FormValue("title"), MCCDefinition: c.FormValue("mcc_definition"),
		Panelists: c.Request().PostForm["panelists"]}
	st, err := s.exams.CreateStudy(c.Request().Context(), req, actor(c))
	if err != nil {
		fields, msg := localizer(c).fieldErrors(err)
		if fields == nil && msg == "" {
			return err
		}
		if fields == nil {
			fields = map[string]string{"": msg}
		}
		return s.renderStudies(c, http.StatusUnprocessableEntity, fields,
			map[string]string{"tier": req.Tier, "title": req.Title, "mcc_definition": req.MCCDefinition})
	}
	return c.Redirect(http.StatusSeeOther, "/admin/standards/"+url.PathEscape(st.ID))
}

// ratingRow is one item on the rating form: the stem for reading, the
// caller's rating, and the panel's spread and facility from the previous
// round (from round 2 on).
type ratingRow struct {
	ItemID, Stem string
	Version      int
	Rating       string
	Prev         *exam.ItemSpread
}

func (s *Server) pageStudy(c echo.Context) error {
	return s.renderStudy(c, http.StatusOK, nil, c.QueryParam("done"))
}

// renderStudy shows a study; done names what just happened (rated, round,
// approved), worded here from the study as it now stands.
func (s *Server) renderStudy(c echo.Context, status int, errs map[string]string, done string) error {
	ctx := c.Request().Context()
	lc := localizer(c)
	st, err := s.exams.Study(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	var flash string
	switch done {
	case "rated":
		flash = lc.T("admin.standard.done.rated")
	case "round":
		flash = lc.T("admin.standard.done.round", "N", st.Round)
	case "approved":
		if st.PassPercent != nil {
			flash = lc.T("admin.standard.done.approved", "Tier", st.Tier, "Pass", *st.PassPercent)
		}
	}
	mine, err := s.exams.Ratings(ctx, st.ID, userID(c), st.Round)
	if err != nil {
		return err
	}
	cur, err := s.exams.Summary(ctx, st.ID, st.Round)
	if err != nil {
		return err
	}
	var prev *exam.RoundSummary
	if st.Round > 1 {
		if prev, err = s.exams.Summary(ctx, st.ID, st.Round-1); err != nil {
			return err
		}
	}
	rows := make([]ratingRow, len(st.Items))
	for i, r := range st.Items {
		rows[i] = ratingRow{ItemID: r.ID, Version: r.Version}
		if it, err := s.bank.FindItemVersion(ctx, r.ID, r.Version); err == nil {
			rows[i].Stem = it.Stem
		}
		if v, ok := mine[r.ID]; ok {
			rows[i].Rating = strconv.FormatFloat(v, 'f', -1, 64)
		}
		if prev != nil {
			rows[i].Prev = &prev.Items[i]
		}
	}
	show := cur
	if prev != nil {
		show = prev
	}
	panelist := false
	for _, p := range st.Panelists {
		panelist = panelist || p == userID(c)
	}
	return s.render(c, status, "admin_standard", page{Title: st.Title, Nav: "tiers", Errors: errs, Flash: flash,
		Data: map[string]any{"Study": st, "Rows": rows, "Current": cur, "Shown": show, "Panelist": panelist,
			"Chart": spreadSVG(lc, show)}})
}

// pageStudyRate saves the panelist's form: one number per item, blanks
// left unrated.
func (s *Server) pageStudyRate(c echo.Context) error {
	if err := c.Request().ParseForm(); err != nil {
		return err
	}
	ratings := map[string]float64{}
	errs := map[string]string{}
	for k, vs := range c.Request().PostForm {
		id, ok := strings.CutPrefix(k, "r_")
		if !ok || len(vs) == 0 || strings.TrimSpace(vs[0]) == "" {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(vs[0]), 64)
		if err != nil {
			errs[id] = localizer(c).T("admin.standard.enter_number")
			continue
		}
		ratings[id] = v
	}
	if len(errs) == 0 {
		err := s.exams.Rate(c.Request().Context(), c.Param("id"), userID(c), ratings)
		if fields, _ := localizer(c).fieldErrors(err); fields != nil {
			errs = fields
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		return s.renderStudy(c, http.StatusUnprocessableEntity, errs, "")
	}
	return c.Redirect(http.StatusSeeOther, "/admin/standards/"+url.PathEscape(c.Param("id"))+"?done=rated")
}

func (s *Server) pageStudyNextRound(c echo.Context) error {
	st, err := s.exams.NextRound(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/standards/"+url.PathEscape(st.ID)+"?done=round")
}

func (s *Server) pageStudyApprove(c echo.Context) error {
	st, err := s.exams.ApproveStudy(c.Request().Context(), c.Param("id"), actor(c))
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/standards/"+url.PathEscape(st.ID)+"?done=approved")
}

// spreadSVG draws each item's ratings as a min–max bar with the mean as a
// dot, on a 0–100 scale, with the recommended cut as a line.
func spreadSVG(lc *loc, sum *exam.RoundSummary) template.HTML {
	const w, l, r, top, row = 640, 150, 20, 20, 22
	h := top + row*len(sum.Items) + 30
	pw := float64(w - l - r)
	x := func(p float64) float64 { return float64(l) + p/100*pw }
	var b svgBuf
	desc := lc.Tn("admin.chart.spread_desc", len(sum.Items), "Round", sum.Round)
	if sum.Cut != nil {
		desc += lc.T("admin.chart.spread_cut", "Cut", formatFixed(lc.Lang, *sum.Cut, 2))
	}
	svgOpen(&b, fmt.Sprintf("spread-%d", sum.Round), w, h, lc.T("admin.chart.spread_title", "Round", sum.Round), desc)
	for _, t := range []float64{0, 25, 50, 75, 100} {
		b.f(`<line class="grid" x1="%.1f" x2="%.1f" y1="%d" y2="%d"/><text x="%.1f" y="%d" text-anchor="middle">%.0f</text>`,
			x(t), x(t), top, h-25, x(t), h-10, t)
	}
	for i, it := range sum.Items {
		y := top + row*i + row/2
		b.f(`<text x="%d" y="%d" text-anchor="end">%s</text>`, l-6, y+4, esc(it.ItemID))
		if it.Min == nil {
			continue
		}
		b.f(`<line class="range" x1="%.1f" x2="%.1f" y1="%d" y2="%d" stroke-width="6"/>`, x(*it.Min), x(*it.Max), y, y)
		b.f(`<circle class="mean" cx="%.1f" cy="%d" r="4"/>`, x(*it.Mean), y)
	}
	if sum.Cut != nil {
		b.f(`<line class="cut" x1="%.1f" x2="%.1f" y1="%d" y2="%d"/>`, x(*sum.Cut), x(*sum.Cut), top-5, h-25)
	}
	b.f(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // built from numbers and escaped ids
}
