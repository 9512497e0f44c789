package web

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mopscert/mopscert/apperr"
	"github.com/mopscert/mopscert/bank"
	"github.com/mopscert/mopscert/exam"
	"github.com/mopscert/mopscert/exam/cert"
)

func (s *Server) adminRoutes(g *echo.Group) {
	g.GET("/items", s.handleItems)
	g.POST("/items", s.handleItemCreate)
	g.POST("/items/preview", s.handleItemPreview)
	g.GET("/items/:id", s.handleItem)
	g.PUT("/items/:id", s.handleItemUpdate)
	g.GET("/items/:id/versions", s.handleItemVersions)
	g.POST("/items/:id/status", s.handleItemStatus)
	g.POST("/bank/import", s.handleBankImport)
	g.GET("/bank/export", s.handleBankExport)
	g.GET("/bank/counts", s.handleBankCounts)
	g.GET("/bank/lint", s.handleBankLint)
	g.GET("/tiers", s.handleAdminTiers)
	g.PUT("/tiers/:code", s.handleTierUpdate)
	g.GET("/attempts", s.handleAdminAttempts)
	g.GET("/attempts/:id", s.handleAdminAttempt)
	g.GET("/certificates", s.handleAdminCertificates)
	g.POST("/certificates/:id/revoke", s.handleCertificateRevoke)
	g.POST("/keys/rotate", s.handleKeysRotate)
	g.PUT("/users/:id/accommodation", s.handleAccommodation)
	s.adminUserRoutes(g)
}

func actor(c echo.Context) string { return currentUser(c).Email }

func queryInt(c echo.Context, name string, def int) (int, error) {
	v := c.QueryParam(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, apperr.New(apperr.BadRequest, "invalid_query", name+" must be a whole number, 0 or more.")
	}
	return n, nil
}

func itemFilter(c echo.Context) (bank.Filter, error) {
	limit, err := queryInt(c, "limit", 50)
	if err != nil {
		return bank.Filter{}, err
	}
	offset, err := queryInt(c, "offset", 0)
	if err != nil {
		return bank.Filter{}, err
	}
	return bank.Filter{Domain: bank.Domain(c.QueryParam("domain")), Tier: c.QueryParam("tier"),
		Status: bank.Status(c.QueryParam("status")), Topic: c.QueryParam("topic"), Query: c.QueryParam("q"),
		Limit: limit, Offset: offset}, nil
}

type itemList struct {
	Items []*bank.Item `json:"items"`
	Total int          `json:"total"`
}

func (s *Server) handleItems(c echo.Context) error {
	f, err := itemFilter(c)
	if err != nil {
		return err
	}
	items, total, err := s.bank.FindItems(c.Request().Context(), f)
	if err != nil {
		return err
	}
	if items == nil {
		items = []*bank.Item{}
	}
	return c.JSON(http.StatusOK, itemList{Items: items, Total: total})
}

// itemInput is the editable part of an Item: id, version and times are the
// server's (version only as the optimistic-lock check on PUT).
type itemInput struct {
	ID        string        `json:"id"`
	Version   int           `json:"version"`
	Status    bank.Status   `json:"status"`
	Domain    bank.Domain   `json:"domain"`
	Tiers     []string      `json:"tiers"`
	Topic     string        `json:"topic"`
	Type      bank.Type     `json:"type"`
	Stem      string        `json:"stem"`
	Options   []bank.Option `json:"options"`
	Rationale string        `json:"rationale"`
	// Second-round fields (docs/item-types.md).
	Competency string           `json:"competency"`
	Group      string           `json:"group"`
	Exhibit    string           `json:"exhibit"`
	Numeric    *bank.NumericKey `json:"numeric"`
	Source     string           `json:"source"`
	Author     string           `json:"author"`
	// Translations: the item's wording in other languages; an item sent
	// without them gets a version without them.
	Translations map[string]bank.Variant `json:"translations"`
	CreatedAt    *string                 `json:"created_at"`
	UpdatedAt    *string                 `json:"updated_at"`
}

func (in itemInput) item() *bank.Item {
	return &bank.Item{ID: in.ID, Version: in.Version, Status: in.Status, Domain: in.Domain, Tiers: in.Tiers, Topic: in.Topic,
		Type: in.Type, Stem: in.Stem, Options: in.Options, Rationale: in.Rationale, Source: in.Source, Author: in.Author,
		Competency: in.Competency, Group: in.Group, Exhibit: in.Exhibit, Numeric: in.Numeric, Translations: in.Translations}
}

func (s *Server) handleItemCreate(c echo.Context) error {
	var in itemInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.Version != 0 {
		return apperr.Fielded(map[string]string{"version": localizer(c).T("admin.api.new_item_version")})
	}
	it := in.item()
	if err := s.bank.CreateItem(c.Request().Context(), it, actor(c)); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, it)
}

func (s *Server) handleItem(c echo.Context) error {
	ctx := c.Request().Context()
	if v := c.QueryParam("version"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return apperr.New(apperr.BadRequest, "invalid_query", "version must be a whole number from 1.")
		}
		it, err := s.bank.FindItemVersion(ctx, c.Param("id"), n)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, it)
	}
	it, err := s.bank.FindItemByID(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, it)
}

func (s *Server) handleItemUpdate(c echo.Context) error {
	var in itemInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.ID != "" && in.ID != c.Param("id") {
		return apperr.Fielded(map[string]string{"id": localizer(c).T("admin.api.id_mismatch")})
	}
	it := in.item()
	it.ID = c.Param("id")
	if err := s.bank.UpdateItem(c.Request().Context(), it, actor(c)); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, it)
}

type itemHistory struct {
	Versions []*bank.Item `json:"versions"`
	Events   []bank.Event `json:"events"`
}

func (s *Server) handleItemVersions(c echo.Context) error {
	ctx := c.Request().Context()
	vs, err := s.bank.Versions(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	ev, err := s.bank.Events(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, itemHistory{Versions: vs, Events: ev})
}

type statusRequest struct {
	Status bank.Status `json:"status"`
}

func (s *Server) handleItemStatus(c echo.Context) error {
	var r statusRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	it, err := s.bank.SetStatus(c.Request().Context(), c.Param("id"), r.Status, actor(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, it)
}

// preview is the editor's live view: the sanitized rendering an author
// will see in the exam, and the lint findings (on the variants' text too).
type preview struct {
	previewText
	Rationale string         `json:"rationale"`
	Findings  []bank.Finding `json:"findings"`
	// Variants is the same rendering in each language the item carries.
	Variants map[string]previewText `json:"variants,omitempty"`
}

// previewText is one language's rendering of an item.
type previewText struct {
	Stem      string   `json:"stem"`
	Options   []string `json:"options"`
	Matches   []string `json:"matches,omitempty"` // matching items, authored order
	Exhibit   string   `json:"exhibit,omitempty"`
	Rationale string   `json:"rationale,omitempty"`
}

func renderPreview(it *bank.Item) previewText {
	p := previewText{Stem: bank.RenderMarkdown(it.Stem), Rationale: bank.RenderMarkdown(it.Rationale)}
	for _, o := range it.Options {
		p.Options = append(p.Options, bank.RenderInline(o.Text))
		if it.Type == bank.Matching {
			p.Matches = append(p.Matches, bank.RenderInline(o.Match))
		}
	}
	if it.Exhibit != "" {
		p.Exhibit = bank.RenderMarkdown(it.Exhibit)
	}
	return p
}

func (s *Server) handleItemPreview(c echo.Context) error {
	var in itemInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	it := in.item()
	it.Normalize()
	p := preview{previewText: renderPreview(it), Rationale: bank.RenderMarkdown(it.Rationale), Findings: s.linter.Item(it)}
	for lang := range it.Translations {
		if !bank.ValidVariantLanguage(lang) {
			continue
		}
		if p.Variants == nil {
			p.Variants = map[string]previewText{}
		}
		p.Variants[lang] = renderPreview(it.Localized(lang))
		p.Findings = append(p.Findings, s.linter.Variant(it, lang)...)
	}
	if p.Findings == nil {
		p.Findings = []bank.Finding{}
	}
	p.Findings = localizer(c).findings(p.Findings)
	return c.JSON(http.StatusOK, p)
}

// importParams reads the import query of API.md; lang is the language the
// file is written in ("" is English).
func importParams(c echo.Context) (format, lang string, opt bank.ParseOptions, dryRun bool) {
	format = strings.ToLower(c.QueryParam("format"))
	if format == "" {
		format = "yaml"
	}
	opt = bank.ParseOptions{
		SkipUnsupported: c.QueryParam("skip_unsupported") == "1",
		Tiers:           splitComma(c.QueryParam("tiers")),
		Domain:          bank.Domain(c.QueryParam("domain")),
		MaxItems:        maxImportItems,
	}
	return format, strings.ToLower(c.QueryParam("language")), opt, c.QueryParam("dry_run") == "1"
}

// maxImportItems caps one import (a larger bank is imported in parts).
const maxImportItems = 20000

func splitComma(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

type importResponse struct {
	bank.ImportResult
	DryRun   bool           `json:"dry_run"`
	Language string         `json:"language"`
	Skipped  []bank.Skipped `json:"skipped"`
}

// importBank parses and imports a file. A file in another language than
// English (GIFT or Aiken) translates existing items: its questions become
// their variants, matched by id.
func (s *Server) importBank(c echo.Context, data []byte, format, lang string, opt bank.ParseOptions, dryRun bool) (importResponse, error) {
	if err := bank.CheckImportLanguage(format, lang); err != nil {
		return importResponse{}, err
	}
	if lang == "" {
		lang = bank.English
	}
	parsed, skipped, err := bank.Parse(format, data, opt)
	if err != nil {
		return importResponse{}, err
	}
	impOpt := bank.ImportOptions{Actor: actor(c), DryRun: dryRun}
	var res bank.ImportResult
	if lang == bank.English {
		res, err = s.bank.Import(c.Request().Context(), parsed, impOpt)
	} else {
		res, err = s.bank.ImportVariants(c.Request().Context(), lang, parsed, impOpt)
	}
	if err != nil {
		return importResponse{}, err
	}
	if skipped == nil {
		skipped = []bank.Skipped{}
	}
	return importResponse{ImportResult: res, DryRun: dryRun, Language: lang, Skipped: skipped}, nil
}

// handleBankImport takes the file as the raw body or as a multipart field
// named "file".
func (s *Server) handleBankImport(c echo.Context) error {
	format, lang, opt, dryRun := importParams(c)
	var data []byte
	var err error
	if strings.HasPrefix(c.Request().Header.Get(echo.HeaderContentType), echo.MIMEMultipartForm) {
		data, err = readUpload(c, "file")
	} else {
		data, err = io.ReadAll(c.Request().Body)
	}
	if err != nil {
		return jsonError(err)
	}
	res, err := s.importBank(c, data, format, lang, opt, dryRun)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}

func (s *Server) handleBankExport(c echo.Context) error {
	format := c.QueryParam("format")
	if format == "" {
		format = "yaml"
	}
	items, err := s.bank.AllItems(c.Request().Context())
	if err != nil {
		return err
	}
	flat := make([]bank.Item, len(items))
	for i, it := range items {
		flat[i] = *it
	}
	var buf bytes.Buffer
	if strings.EqualFold(format, "gift") {
		// Items GIFT cannot hold are named in the file; the count goes in
		// a header so a script can notice without reading it.
		n := 0
		for i := range flat {
			if bank.GIFTUnsupported(&flat[i]) != "" {
				n++
			}
		}
		c.Response().Header().Set("X-Export-Skipped", strconv.Itoa(n))
	}
	if err := bank.Write(format, &buf, flat); err != nil {
		return err
	}
	ext := map[string]string{"yaml": "yaml", "yml": "yaml", "gift": "gift"}[strings.ToLower(format)]
	c.Response().Header().Set("Content-Disposition", `attachment; filename="mopscert-bank.`+ext+`"`)
	return c.Blob(http.StatusOK, "text/plain; charset=utf-8", buf.Bytes())
}

func (s *Server) handleBankCounts(c echo.Context) error {
	counts, err := s.bank.Counts(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, counts)
}

func (s *Server) handleBankLint(c echo.Context) error {
	items, err := s.bank.AllItems(c.Request().Context())
	if err != nil {
		return err
	}
	out := s.linter.Bank(items)
	lc := localizer(c)
	for id, fs := range out {
		out[id] = lc.findings(fs)
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) handleAdminTiers(c echo.Context) error {
	tiers, err := s.exams.Tiers(c.Request().Context(), "")
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, tiers)
}

func (s *Server) handleTierUpdate(c echo.Context) error {
	var u exam.TierUpdate
	if err := decodeJSON(c, &u); err != nil {
		return err
	}
	t, err := s.exams.UpdateTier(c.Request().Context(), c.Param("code"), u)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, t)
}

func (s *Server) handleAdminAttempts(c echo.Context) error {
	limit, err := queryInt(c, "limit", 50)
	if err != nil {
		return err
	}
	offset, err := queryInt(c, "offset", 0)
	if err != nil {
		return err
	}
	list, total, err := s.exams.AdminAttempts(c.Request().Context(), exam.AttemptFilter{
		UserID: c.QueryParam("user"), Tier: c.QueryParam("tier"), Status: exam.Status(c.QueryParam("status")), Limit: limit, Offset: offset})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"attempts": list, "total": total})
}

func (s *Server) handleAdminAttempt(c echo.Context) error {
	a, res, err := s.exams.AdminAttempt(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"attempt": a, "result": res})
}

func (s *Server) handleAdminCertificates(c echo.Context) error {
	limit, err := queryInt(c, "limit", 50)
	if err != nil {
		return err
	}
	offset, err := queryInt(c, "offset", 0)
	if err != nil {
		return err
	}
	list, total, err := s.certs.List(c.Request().Context(), cert.Filter{Tier: c.QueryParam("tier"), Status: c.QueryParam("status"),
		Q: c.QueryParam("q"), Limit: limit, Offset: offset})
	if err != nil {
		return err
	}
	if list == nil {
		list = []cert.Credential{}
	}
	return c.JSON(http.StatusOK, map[string]any{"certificates": list, "total": total})
}

// revokeRequest is either the first version's {reason} (kept as the
// internal note, public reason "other") or {public_reason, note}.
type revokeRequest struct {
	Reason       string `json:"reason"`
	PublicReason string `json:"public_reason"`
	Note         string `json:"note"`
}

func (s *Server) handleCertificateRevoke(c echo.Context) error {
	var r revokeRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	ctx := c.Request().Context()
	var cr cert.Credential
	var err error
	switch {
	case r.PublicReason == "" && r.Note == "":
		cr, err = s.certs.Revoke(ctx, c.Param("id"), r.Reason, actor(c))
	case r.Reason != "":
		return apperr.Fielded(map[string]string{"reason": localizer(c).T("admin.api.revoke_reason")})
	default:
		cr, err = s.certs.RevokeWith(ctx, c.Param("id"), cert.Revocation{PublicReason: r.PublicReason, Note: r.Note}, actor(c))
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cr)
}

func (s *Server) handleKeysRotate(c echo.Context) error {
	kid, err := s.certs.Rotate(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]string{"kid": kid})
}

type accommodationRequest struct {
	Multiplier float64 `json:"multiplier"`
	Note       string  `json:"note"`
}

func (s *Server) handleAccommodation(c echo.Context) error {
	var r accommodationRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := s.accounts.FindUserByID(ctx, c.Param("id")); err != nil {
		return err
	}
	if err := s.exams.GrantAccommodation(ctx, c.Param("id"), r.Multiplier, r.Note, actor(c)); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"user_id": c.Param("id"), "multiplier": r.Multiplier, "note": r.Note})
}
