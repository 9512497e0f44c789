package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mopscert/mopscert/apperr"
	"github.com/mopscert/mopscert/bank"
	"github.com/mopscert/mopscert/exam"
	"github.com/mopscert/mopscert/exam/cert"
)

func (s *Server) pageTiers(c echo.Context) error {
	tiers, err := s.exams.Tiers(c.Request().Context(), "")
	if err != nil {
		return err
	}
	lc := localizer(c)
	flash := ""
	if code := c.QueryParam("saved"); code != "" {
		flash = lc.T("admin.tiers.saved", "Tier", code)
	}
	return s.render(c, http.StatusOK, "admin_tiers", page{Title: lc.T("admin.tiers.title"), Nav: "tiers", Flash: flash, Data: map[string]any{"Tiers": tiers, "Domains": bank.Domains}})
}

// keepEdits puts what the admin submitted back into the tier's form after a
// validation error, so no edit is lost (a field that was not a number keeps
// the stored value; its error names it).
func keepEdits(t *exam.Tier, u exam.TierUpdate) {
	set := func(dst *int, v *int) {
		if v != nil {
			*dst = *v
		}
	}
	if u.Name != nil {
		t.Name = *u.Name
	}
	if u.Description != nil {
		t.Description = *u.Description
	}
	if u.Prerequisite != nil {
		p := *u.Prerequisite
		t.Prerequisite = &p
	}
	if u.PartialCredit != nil {
		t.PartialCredit = *u.PartialCredit
	}
	set(&t.TimeLimitSeconds, u.TimeLimitSeconds)
	set(&t.PassPercent, u.PassPercent)
	set(&t.ValidityDays, u.ValidityDays)
	set(&t.RetakeWaitSeconds, u.RetakeWaitSeconds)
	set(&t.MaxAttempts, u.MaxAttempts)
	set(&t.AttemptWindowDays, u.AttemptWindowDays)
	set(&t.RenewalWindowDays, u.RenewalWindowDays)
	set(&t.GraceDays, u.GraceDays)
	if u.RenewalMode != nil {
		t.RenewalMode = *u.RenewalMode
	}
	bp := exam.Blueprint{}
	for d, n := range t.Blueprint {
		bp[d] = n
	}
	for d, n := range u.Blueprint {
		bp[d] = n
	}
	t.Blueprint = bp
}

// pageTierPost saves one tier's form. Errors (including a blueprint the bank
// cannot fill) are shown on the page, next to that tier.
func (s *Server) pageTierPost(c echo.Context) error {
	code := c.Param("code")
	lc := localizer(c)
	u := exam.TierUpdate{Blueprint: exam.Blueprint{}}
	fields := map[string]string{}
	num := func(name string) *int {
		v := strings.TrimSpace(c.FormValue(name))
		n, err := strconv.Atoi(v)
		if err != nil {
			fields[name] = lc.T("admin.enter_whole_number")
			return nil
		}
		return &n
	}
	name, desc := c.FormValue("name"), c.FormValue("description")
	prereq := c.FormValue("prerequisite")
	partial := c.FormValue("partial_credit") == "1"
	u.Name, u.Description, u.Prerequisite, u.PartialCredit = &name, &desc, &prereq, &partial
	minutes := num("time_limit_minutes")
	if minutes != nil {
		secs := *minutes * 60
		u.TimeLimitSeconds = &secs
	}
	u.PassPercent, u.ValidityDays = num("pass_percent"), num("validity_days")
	if h := num("retake_wait_hours"); h != nil {
		secs := *h * 3600
		u.RetakeWaitSeconds = &secs
	}
	u.MaxAttempts, u.AttemptWindowDays = num("max_attempts"), num("attempt_window_days")
	// Renewal rules (renewal.go); forms from before they existed omit them.
	if c.FormValue("renewal_window_days") != "" {
		u.RenewalWindowDays, u.GraceDays = num("renewal_window_days"), num("grace_days")
		mode := exam.RenewalMode(c.FormValue("renewal_mode"))
		u.RenewalMode = &mode
	}
	for _, d := range bank.Domains {
		if n := num("blueprint_" + string(d)); n != nil {
			u.Blueprint[d] = *n
		}
	}
	var err error
	if len(fields) > 0 {
		err = apperr.Fielded(fields)
	} else {
		_, err = s.exams.UpdateTier(c.Request().Context(), code, u)
	}
	if err != nil {
		ae, ok := apperr.As(err)
		if !ok {
			return err
		}
		tiers, terr := s.exams.Tiers(c.Request().Context(), "")
		if terr != nil {
			return terr
		}
		for i := range tiers {
			if tiers[i].Code == code {
				keepEdits(&tiers[i], u)
			}
		}
		return s.render(c, http.StatusUnprocessableEntity, "admin_tiers", page{Title: lc.T("admin.tiers.title"), Nav: "tiers",
			Data: map[string]any{"Tiers": tiers, "Domains": bank.Domains, "ErrorTier": code, "Error": lc.worded(ae), "ErrorMessage": lc.errorMessage(ae)}})
	}
	return c.Redirect(http.StatusSeeOther, "/admin/tiers?saved="+url.QueryEscape(code))
}

func (s *Server) pageCertificates(c echo.Context) error {
	limit, _ := queryInt(c, "limit", 50)
	offset, _ := queryInt(c, "offset", 0)
	f := cert.Filter{Tier: c.QueryParam("tier"), Status: c.QueryParam("status"), Q: c.QueryParam("q"), Limit: limit, Offset: offset}
	list, total, err := s.certs.List(c.Request().Context(), f)
	if err != nil {
		return err
	}
	lc := localizer(c)
	flash := ""
	if k := c.QueryParam("rotated"); k != "" {
		flash = lc.T("admin.certs.rotated", "Key", k)
	}
	if id := c.QueryParam("revoked"); id != "" {
		flash = lc.T("admin.certs.revoked", "ID", id)
	}
	return s.render(c, http.StatusOK, "admin_certificates", page{Title: lc.T("admin.certs.title"), Nav: "certs", Flash: flash,
		Data: map[string]any{"List": list, "Total": total, "Filter": f}})
}

func (s *Server) pageRevoke(c echo.Context) error {
	id := c.Param("id")
	r := cert.Revocation{PublicReason: c.FormValue("public_reason"), Note: c.FormValue("note")}
	if _, err := s.certs.RevokeWith(c.Request().Context(), id, r, actor(c)); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/certificates?revoked="+url.QueryEscape(id))
}

func (s *Server) pageRotate(c echo.Context) error {
	kid, err := s.certs.Rotate(c.Request().Context())
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/certificates?rotated="+url.QueryEscape(kid))
}
