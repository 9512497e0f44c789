package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/mopscert/mopscert/apperr"
	"github.com/mopscert/mopscert/bank"
)

// countGrid is the bank page's chart: active items per domain × tier.
type countGrid struct {
	Tiers []string
	Rows  []countRow
	Max   int
}

type countRow struct {
	Domain bank.Domain
	Cells  []int
}

func (s *Server) countGrid(c echo.Context) (countGrid, error) {
	counts, err := s.bank.Counts(c.Request().Context())
	if err != nil {
		return countGrid{}, err
	}
	tiers, err := s.exams.Tiers(c.Request().Context(), "")
	if err != nil {
		return countGrid{}, err
	}
	g := countGrid{}
	col := map[string]int{}
	for i, t := range tiers {
		g.Tiers = append(g.Tiers, t.Code)
		col[t.Code] = i
	}
	for _, d := range bank.Domains {
		row := countRow{Domain: d, Cells: make([]int, len(g.Tiers))}
		for _, n := range counts {
			if i, ok := col[n.Tier]; ok && n.Domain == d && n.Status == bank.Active {
				row.Cells[i] += n.N
				g.Max = max(g.Max, row.Cells[i])
			}
		}
		g.Rows = append(g.Rows, row)
	}
	return g, nil
}

func (s *Server) pageItems(c echo.Context) error {
	f, err := itemFilter(c)
	if err != nil {
		return err
	}
	items, total, err := s.bank.FindItems(c.Request().Context(), f)
	if err != nil {
		return err
	}
	grid, err := s.countGrid(c)
	if err != nil {
		return err
	}
	q := c.QueryParams()
	at := func(offset int) string {
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Set("offset", strconv.Itoa(max(0, offset)))
		return "/admin/items?" + nq.Encode()
	}
	next, prev := "", ""
	if f.Offset+len(items) < total {
		next = at(f.Offset + f.Limit)
	}
	if f.Offset > 0 {
		prev = at(f.Offset - f.Limit)
	}
	per := max(f.Limit, 1)
	return s.render(c, http.StatusOK, "admin_items", page{Title: localizer(c).T("admin.items.title"), Nav: "bank", Data: map[string]any{
		"Items": items, "Total": total, "Filter": f, "Grid": grid, "Next": next, "Prev": prev,
		"Page": f.Offset/per + 1, "Pages": max(1, (total+per-1)/per),
		"Domains": bank.Domains, "Statuses": []bank.Status{bank.Draft, bank.Review, bank.Active, bank.Retired, bank.Void},
	}})
}

func (s *Server) pageItemEdit(c echo.Context) error {
	id := c.Param("id")
	data := map[string]any{"ID": id, "Domains": bank.Domains, "DE": newVariantForm(nil, "de")}
	if id != "" {
		it, err := s.bank.FindItemByID(c.Request().Context(), id)
		if err != nil {
			return err
		}
		data["Item"] = it
		data["Next"] = nextStatuses(it.Status)
		data["DE"] = newVariantForm(it, "de")
	}
	tiers, err := s.exams.Tiers(c.Request().Context(), "")
	if err != nil {
		return err
	}
	data["Tiers"] = tiers
	title := localizer(c).T("admin.item.new_title")
	if id != "" {
		title = localizer(c).T("admin.item.page_title_edit", "ID", id)
	}
	return s.render(c, http.StatusOK, "admin_item", page{Title: title, Nav: "bank", Data: data})
}

// nextStatuses lists the moves the workflow allows from st, for the buttons.
func nextStatuses(st bank.Status) []bank.Status {
	var out []bank.Status
	for _, to := range []bank.Status{bank.Draft, bank.Review, bank.Active, bank.Retired, bank.Void} {
		if bank.CanMove(st, to) {
			out = append(out, to)
		}
	}
	return out
}

// pageItemStatus is the no-script form behind the status buttons. Voiding
// is final, so it asks once more on a page of its own (no script needed).
func (s *Server) pageItemStatus(c echo.Context) error {
	id := c.Param("id")
	if bank.Status(c.FormValue("status")) == bank.Void && c.FormValue("confirm") != "1" {
		it, err := s.bank.FindItemByID(c.Request().Context(), id)
		if err != nil {
			return err
		}
		return s.render(c, http.StatusOK, "admin_confirm_void", page{Title: localizer(c).T("admin.void.page_title", "ID", id), Nav: "bank", Data: map[string]any{"Item": it}})
	}
	if _, err := s.bank.SetStatus(c.Request().Context(), id, bank.Status(c.FormValue("status")), actor(c)); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/items/"+url.PathEscape(id))
}

func (s *Server) pageImport(c echo.Context) error {
	return s.render(c, http.StatusOK, "admin_import", page{Title: localizer(c).T("admin.import.title"), Nav: "bank", Data: map[string]any{},
		Form: map[string]string{"format": "gift", "dry_run": "1", "language": bank.English}})
}

// pageImportPost previews (dry run) or imports an uploaded file. The preview
// carries the file's text in a hidden field so "confirm" imports exactly
// what was checked without uploading again.
func (s *Server) pageImportPost(c echo.Context) error {
	format := c.FormValue("format")
	dryRun := c.FormValue("dry_run") == "1"
	var data []byte
	if fh, err := c.FormFile("file"); err == nil && fh.Size > 0 {
		if data, err = readUpload(c, "file"); err != nil {
			return err
		}
	} else {
		data = []byte(c.FormValue("content"))
	}
	form := map[string]string{"format": format, "language": c.FormValue("language"), "tiers": c.FormValue("tiers"), "domain": c.FormValue("domain"),
		"skip_unsupported": c.FormValue("skip_unsupported"), "content": string(data)}
	lc := localizer(c)
	p := page{Title: lc.T("admin.import.title"), Nav: "bank", Form: form, Data: map[string]any{}}
	if len(data) == 0 {
		p.Errors = map[string]string{"file": lc.T("admin.import.choose_file")}
		return s.render(c, http.StatusUnprocessableEntity, "admin_import", p)
	}
	opt := bank.ParseOptions{SkipUnsupported: form["skip_unsupported"] == "1", Tiers: splitComma(form["tiers"]),
		Domain: bank.Domain(form["domain"]), MaxItems: maxImportItems}
	res, err := s.importBank(c, data, format, form["language"], opt, dryRun)
	if err != nil {
		ae, ok := apperr.As(err)
		if !ok {
			return err
		}
		p.Data = map[string]any{"Error": lc.worded(ae), "ErrorMessage": lc.errorMessage(ae)}
		return s.render(c, http.StatusUnprocessableEntity, "admin_import", p)
	}
	p.Data = map[string]any{"Result": res}
	if !dryRun {
		p.Flash = lc.Tn("admin.import.imported", res.Imported)
		p.Form["content"] = ""
	}
	return s.render(c, http.StatusOK, "admin_import", p)
}
