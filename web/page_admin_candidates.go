package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/mopscert/mopscert/account"
	"github.com/mopscert/mopscert/apperr"
	"github.com/mopscert/mopscert/exam"
)

// candidateRow is one person on the candidates page.
type candidateRow struct {
	User          *account.User
	Accommodation *exam.Accommodation
}

// extraTime are the choices offered for extra time (the API takes any
// multiplier from 1 to 4); the page words them (Extra is the percentage
// added).
var extraTime = []struct {
	Value float64
	Extra float64
}{{1, 0}, {1.25, 25}, {1.5, 50}, {2, 100}}

func (s *Server) pageCandidates(c echo.Context) error {
	ctx := c.Request().Context()
	users, err := s.accounts.Users(ctx, c.QueryParam("q"), 100, 0)
	if err != nil {
		return err
	}
	acc, err := s.exams.Accommodations(ctx)
	if err != nil {
		return err
	}
	rows := make([]candidateRow, len(users))
	for i, u := range users {
		rows[i] = candidateRow{User: u}
		if a, ok := acc[u.ID]; ok {
			rows[i].Accommodation = &a
		}
	}
	lc := localizer(c)
	flash := ""
	if who := c.QueryParam("saved"); who != "" {
		flash = lc.T("admin.candidates.saved", "Who", who)
	}
	return s.render(c, http.StatusOK, "admin_candidates", page{Title: lc.T("admin.candidates.title"), Nav: "candidates", Flash: flash,
		Data: map[string]any{"Rows": rows, "Q": c.QueryParam("q"), "Choices": extraTime}})
}

// pageAccommodation grants extra time from the candidates page.
func (s *Server) pageAccommodation(c echo.Context) error {
	ctx := c.Request().Context()
	u, err := s.accounts.FindUserByID(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	m, err := strconv.ParseFloat(c.FormValue("multiplier"), 64)
	if err != nil {
		return apperr.Fielded(map[string]string{"multiplier": localizer(c).T("admin.candidates.choose_extra")})
	}
	if err := s.exams.GrantAccommodation(ctx, u.ID, m, c.FormValue("note"), actor(c)); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/candidates?q="+url.QueryEscape(c.FormValue("q"))+"&saved="+url.QueryEscape(u.Email))
}
