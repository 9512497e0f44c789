package web

import (
	"encoding/csv"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mopscert/mopscert/apperr"
	"github.com/mopscert/mopscert/exam"
	"github.com/mopscert/mopscert/exam/stats"
)

// statsRoutes are the statistics of API.md's "Statistics (admin)".
func (s *Server) statsRoutes(g *echo.Group) {
	g.GET("/items", s.handleStatsItems)
	g.GET("/items.csv", s.handleStatsItemsCSV)
	g.GET("/tiers/:code", s.handleStatsTier)
	g.GET("/responses.csv", s.handleStatsResponsesCSV)
}

var errBadSince = apperr.New(apperr.BadRequest, "invalid_query", "since must be a date (2026-03-01) or an RFC 3339 time.")

// parseSince reads ?since= as a date or an RFC 3339 time; empty is the
// beginning.
func parseSince(c echo.Context) (time.Time, error) {
	v := strings.TrimSpace(c.QueryParam("since"))
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, nil
	}
	return time.Time{}, errBadSince
}

// itemStatsJSON is one item version's figures (API.md, plus intervals,
// discrimination, timing and the tier they belong to).
type itemStatsJSON struct {
	ItemID         string       `json:"item_id"`
	Version        int          `json:"version"`
	Tier           string       `json:"tier"`
	Type           string       `json:"type"`
	N              int          `json:"n"`
	Facility       *float64     `json:"facility"`
	FacilityCI     []float64    `json:"facility_ci"`
	ItemRestR      *float64     `json:"item_rest_r"`
	ItemRestCI     []float64    `json:"item_rest_ci"`
	Discrimination *float64     `json:"discrimination"`
	MedianSeconds  *float64     `json:"median_seconds"`
	Exposure       float64      `json:"exposure"`
	Options        []optionJSON `json:"options"`
	// Languages: the facility per delivery language, when the item was
	// answered in more than one (omitted otherwise).
	Languages []languageJSON `json:"languages,omitempty"`
	Flags     []flagJSON     `json:"flags"`
	Severity  string         `json:"-"`
	rank      int            // severity rank of the worst flag, 3 = none
}

type optionJSON struct {
	Index         int      `json:"index"`
	Correct       bool     `json:"correct"`
	Share         *float64 `json:"share"`
	PointBiserial *float64 `json:"point_biserial"`
}

type languageJSON struct {
	Language   string    `json:"language"`
	N          int       `json:"n"`
	Facility   *float64  `json:"facility"`
	FacilityCI []float64 `json:"facility_ci"`
}

type flagJSON struct {
	Code     string `json:"code"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
}

func r4(p *float64) *float64 {
	if p == nil {
		return nil
	}
	v := math.Round(*p*1e4) / 1e4
	return &v
}

func ci(iv *stats.Interval) []float64 {
	if iv == nil {
		return nil
	}
	return []float64{math.Round(iv.Low*1e4) / 1e4, math.Round(iv.High*1e4) / 1e4}
}

func itemJSON(lc *loc, ts *exam.TierStats, it stats.ItemStats) itemStatsJSON {
	out := itemStatsJSON{
		ItemID: it.ID, Version: it.Version, Tier: ts.Tier, N: it.N,
		Facility: r4(it.Facility), FacilityCI: ci(it.FacilityCI), ItemRestR: r4(it.ItemRest), ItemRestCI: ci(it.ItemRestCI),
		Discrimination: r4(it.Discrimination), MedianSeconds: r4(it.MedianSeconds), Exposure: math.Round(it.Exposure*1e4) / 1e4,
		Options: []optionJSON{}, Flags: []flagJSON{}, rank: 3,
	}
	for ref, t := range ts.Types {
		if ref.ID == it.ID && ref.Version == it.Version {
			out.Type = string(t)
		}
	}
	for _, o := range it.Options {
		out.Options = append(out.Options, optionJSON{Index: o.Index, Correct: o.Correct, Share: r4(o.Share), PointBiserial: r4(o.PointBiserial)})
	}
	for _, l := range it.Languages {
		out.Languages = append(out.Languages, languageJSON{Language: l.Language, N: l.N, Facility: r4(l.Facility), FacilityCI: ci(l.FacilityCI)})
	}
	for _, f := range it.Flags {
		out.Flags = append(out.Flags, flagJSON{Code: f.Code, Severity: string(f.Severity), Message: lc.flagMessage(f)})
		if r := f.Severity.Rank(); r < out.rank {
			out.rank, out.Severity = r, string(f.Severity)
		}
	}
	return out
}

// tierStatsList computes the statistics of one tier, or of every tier
// when code is empty.
func (s *Server) tierStatsList(c echo.Context, code string, since time.Time) ([]*exam.TierStats, error) {
	ctx := c.Request().Context()
	codes := []string{code}
	if code == "" {
		tiers, err := s.exams.Tiers(ctx, "")
		if err != nil {
			return nil, err
		}
		codes = codes[:0]
		for _, t := range tiers {
			codes = append(codes, t.Code)
		}
	}
	var out []*exam.TierStats
	for _, t := range codes {
		ts, err := s.exams.TierStats(ctx, t, since)
		if err != nil {
			return nil, err
		}
		out = append(out, ts)
	}
	return out, nil
}

// itemRows are the items of the tiers, optionally one item's versions.
func itemRows(lc *loc, list []*exam.TierStats, itemID string) []itemStatsJSON {
	out := []itemStatsJSON{}
	for _, ts := range list {
		for _, it := range ts.Items {
			if itemID == "" || it.ID == itemID {
				out = append(out, itemJSON(lc, ts, it))
			}
		}
	}
	return out
}

// sortItems orders rows for the review queue: by severity (worst first,
// then the most responses), facility, item-rest r or id.
func sortItems(rows []itemStatsJSON, by string) {
	num := func(p *float64, def float64) float64 {
		if p == nil {
			return def
		}
		return *p
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		switch by {
		case "facility":
			return num(a.Facility, 2) < num(b.Facility, 2)
		case "r":
			return num(a.ItemRestR, 2) < num(b.ItemRestR, 2)
		case "item":
			return a.ItemID < b.ItemID || (a.ItemID == b.ItemID && a.Version > b.Version)
		}
		if a.rank != b.rank {
			return a.rank < b.rank
		}
		if len(a.Flags) != len(b.Flags) {
			return len(a.Flags) > len(b.Flags)
		}
		return a.N > b.N
	})
}

func (s *Server) handleStatsItems(c echo.Context) error {
	since, err := parseSince(c)
	if err != nil {
		return err
	}
	list, err := s.tierStatsList(c, c.QueryParam("tier"), since)
	if err != nil {
		return err
	}
	minN := stats.DefaultThresholds().MinN
	if len(list) > 0 {
		minN = list[0].MinN
	}
	rows := itemRows(localizer(c), list, c.QueryParam("item_id"))
	sortItems(rows, "item")
	return c.JSON(http.StatusOK, map[string]any{"min_n": minN, "items": rows})
}

// tierJSON is a tier's score distribution and reliability.
type tierJSON struct {
	Tier            string    `json:"tier"`
	Attempts        int       `json:"attempts"`
	MeanPercent     *float64  `json:"mean_percent"`
	SDPercent       *float64  `json:"sd_percent"`
	MedianPercent   *float64  `json:"median_percent"`
	PassRate        *float64  `json:"pass_rate"`
	Alpha           *float64  `json:"alpha"`
	SEMPercent      *float64  `json:"sem_percent"`
	SEMAtCutPercent *float64  `json:"sem_at_cut_percent"`
	PassPercent     float64   `json:"pass_percent"`
	MinN            int       `json:"min_n"`
	Histogram       []binJSON `json:"histogram"`
}

type binJSON struct {
	From  float64 `json:"from"`
	To    float64 `json:"to"`
	Count int     `json:"count"`
}

func tierStatsJSON(ts *exam.TierStats) tierJSON {
	t := ts.Test
	out := tierJSON{Tier: ts.Tier, Attempts: t.Attempts, MeanPercent: r4(t.MeanPercent), SDPercent: r4(t.SDPercent),
		MedianPercent: r4(t.MedianPercent), PassRate: r4(t.PassRate), Alpha: r4(t.Alpha), SEMPercent: r4(t.SEMPercent),
		SEMAtCutPercent: r4(t.SEMCutPercent), PassPercent: ts.PassPercent, MinN: ts.MinN, Histogram: []binJSON{}}
	for _, b := range t.Histogram {
		out.Histogram = append(out.Histogram, binJSON{From: b.From, To: b.To, Count: b.Count})
	}
	return out
}

func (s *Server) handleStatsTier(c echo.Context) error {
	since, err := parseSince(c)
	if err != nil {
		return err
	}
	ts, err := s.exams.TierStats(c.Request().Context(), c.Param("code"), since)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, tierStatsJSON(ts))
}

func csvFloat(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', -1, 64)
}

// startCSV sets the headers of a CSV download.
func startCSV(c echo.Context, name string) *csv.Writer {
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	c.Response().WriteHeader(http.StatusOK)
	return csv.NewWriter(c.Response())
}

func (s *Server) handleStatsItemsCSV(c echo.Context) error {
	since, err := parseSince(c)
	if err != nil {
		return err
	}
	list, err := s.tierStatsList(c, c.QueryParam("tier"), since)
	if err != nil {
		return err
	}
	rows := itemRows(localizer(c), list, c.QueryParam("item_id"))
	sortItems(rows, "item")
	w := startCSV(c, "item-statistics.csv")
	_ = w.Write([]string{"tier", "item_id", "version", "type", "n", "facility", "facility_low", "facility_high",
		"item_rest_r", "item_rest_low", "item_rest_high", "discrimination", "median_seconds", "exposure",
		"option_shares", "option_point_biserials", "flags"})
	for _, r := range rows {
		lo := func(iv []float64) (string, string) {
			if iv == nil {
				return "", ""
			}
			return strconv.FormatFloat(iv[0], 'f', -1, 64), strconv.FormatFloat(iv[1], 'f', -1, 64)
		}
		fl, fh := lo(r.FacilityCI)
		rl, rh := lo(r.ItemRestCI)
		var shares, pbs, flags []string
		for _, o := range r.Options {
			shares = append(shares, csvFloat(o.Share))
			pbs = append(pbs, csvFloat(o.PointBiserial))
		}
		for _, f := range r.Flags {
			flags = append(flags, f.Code)
		}
		_ = w.Write([]string{r.Tier, r.ItemID, strconv.Itoa(r.Version), r.Type, strconv.Itoa(r.N), csvFloat(r.Facility), fl, fh,
			csvFloat(r.ItemRestR), rl, rh, csvFloat(r.Discrimination), csvFloat(r.MedianSeconds),
			strconv.FormatFloat(r.Exposure, 'f', -1, 64), strings.Join(shares, ";"), strings.Join(pbs, ";"), strings.Join(flags, ";")})
	}
	w.Flush()
	return w.Error()
}

func (s *Server) handleStatsResponsesCSV(c echo.Context) error {
	tier := c.QueryParam("tier")
	if _, err := s.exams.Tier(c.Request().Context(), tier); err != nil {
		return err
	}
	w := startCSV(c, "responses-"+tier+".csv")
	_ = w.Write([]string{"attempt_id", "submitted_at", "position", "item_id", "version", "choices", "score", "synthetic"})
	n := 0
	err := s.exams.Responses(c.Request().Context(), tier, func(r exam.ResponseRow) error {
		ch := make([]string, len(r.Authored))
		for i, a := range r.Authored {
			ch[i] = strconv.Itoa(a)
		}
		syn := "0"
		if r.Synthetic {
			syn = "1"
		}
		if err := w.Write([]string{r.AttemptID, r.SubmittedAt.UTC().Format(time.RFC3339), strconv.Itoa(r.Position), r.ItemID,
			strconv.Itoa(r.Version), strings.Join(ch, ";"), csvFloat(r.Score), syn}); err != nil {
			return err
		}
		if n++; n%5000 == 0 {
			w.Flush()
		}
		return nil
	})
	w.Flush()
	if err != nil {
		// Headers are gone; the truncated file is the signal, the log the reason.
		s.log.Error("responses export", "tier", tier, "err", err)
	}
	return nil
}
