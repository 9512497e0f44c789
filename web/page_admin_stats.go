package web

import (
	"html/template"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mopscert/mopscert/exam"
)

func (s *Server) statsPages(admin *echo.Group) {
	admin.GET("/stats", s.pageStats)
	admin.GET("/stats/items/:id", s.pageStatsItem)
}

// statsSorts are the review queue's orders, for the sort links (worded as
// admin.stats.sort.<key>).
var statsSorts = []string{"severity", "facility", "r", "item"}

// pageStats is a tier's statistics: the score distribution, the item map,
// the review queue of flagged items and the CSV downloads.
func (s *Server) pageStats(c echo.Context) error {
	ctx := c.Request().Context()
	tiers, err := s.exams.Tiers(ctx, "")
	if err != nil {
		return err
	}
	code := c.QueryParam("tier")
	if code == "" && len(tiers) > 0 {
		code = tiers[0].Code
	}
	since, err := parseSince(c)
	if err != nil {
		return err
	}
	ts, err := s.exams.TierStats(ctx, code, since)
	if err != nil {
		return err
	}
	sortBy := c.QueryParam("sort")
	if sortBy == "" {
		sortBy = "severity"
	}
	all := itemRows(localizer(c), []*exam.TierStats{ts}, "")
	sortItems(all, "item")
	queue := []itemStatsJSON{}
	for _, r := range all {
		if len(r.Flags) > 0 {
			queue = append(queue, r)
		}
	}
	sortItems(queue, sortBy)
	tj := tierStatsJSON(ts)
	lc := localizer(c)
	return s.render(c, http.StatusOK, "admin_stats", page{Title: lc.T("admin.stats.title"), Nav: "stats", Data: map[string]any{
		"Tiers": tiers, "Tier": code, "Since": c.QueryParam("since"), "Sort": sortBy, "Sorts": statsSorts,
		"Test": tj, "Items": all, "Queue": queue,
		"Histogram": histogramSVG(lc, tj), "ItemMap": itemMapSVG(lc, code, all),
	}})
}

// pageStatsItem is one item's figures per version, with its option bars.
func (s *Server) pageStatsItem(c echo.Context) error {
	ctx := c.Request().Context()
	code := c.QueryParam("tier")
	ts, err := s.exams.TierStats(ctx, code, time.Time{})
	if err != nil {
		return err
	}
	rows := itemRows(localizer(c), []*exam.TierStats{ts}, c.Param("id"))
	sortItems(rows, "item")
	charts := make([]template.HTML, len(rows))
	for i, r := range rows {
		if len(r.Options) > 0 && r.Facility != nil {
			charts[i] = optionBarsSVG(localizer(c), r)
		}
	}
	return s.render(c, http.StatusOK, "admin_stats_item", page{Title: localizer(c).T("admin.stats_item.page_title"), Nav: "stats", Data: map[string]any{
		"Tier": code, "ID": c.Param("id"), "Versions": rows, "Charts": charts, "MinN": ts.MinN,
	}})
}
