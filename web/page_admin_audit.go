package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/mopscert/mopscert/bank"
	"github.com/mopscert/mopscert/exam"
)

// auditPageForms is the number of blueprint forms the audit page simulates
// per tier: enough for a pass probability to about half a point, quick
// enough to render on request.
const auditPageForms = 2000

// pageAudit shows the test-wiseness audit of the whole bank, or of one tier:
// the cue-only guesser against chance per tier, and the findings with links
// to their items.
func (s *Server) pageAudit(c echo.Context) error {
	ctx := c.Request().Context()
	items, err := s.bank.AllItems(ctx)
	if err != nil {
		return err
	}
	tiers, err := s.exams.Tiers(ctx, "")
	if err != nil {
		return err
	}
	only := c.QueryParam("tier")
	known := only == ""
	for _, t := range tiers {
		known = known || t.Code == only
	}
	if !known {
		return exam.ErrTierNotFound
	}
	r := bank.Audit(items, bank.AuditOptions{Tiers: exam.AuditForms(tiers), Only: only, Forms: auditPageForms, Seed: 1})
	var tierFindings, itemFindings []bank.AuditFinding
	for _, f := range r.Findings {
		if f.ItemID == "" {
			tierFindings = append(tierFindings, f)
		} else {
			itemFindings = append(itemFindings, f)
		}
	}
	return s.render(c, http.StatusOK, "admin_audit", page{Title: localizer(c).T("admin.audit.title"), Nav: "bank", Data: map[string]any{
		"Report": r, "Tiers": tiers, "Only": only, "TierFindings": tierFindings, "ItemFindings": itemFindings,
		"Errors": r.Errors(), "Counts": r.CountByRule(),
	}})
}
