package web

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"net/url"
	"strings"
)

// Charts are drawn on the server as SVG: no chart library, no script, and
// each has a <title> and <desc> (role="img") for screen readers, with the
// same figures in a table beside it.

type svgBuf struct{ strings.Builder }

func (b *svgBuf) f(format string, a ...any) { fmt.Fprintf(&b.Builder, format, a...) }

func esc(s string) string { return html.EscapeString(s) }

func svgOpen(b *svgBuf, id string, w, h int, title, desc string) {
	b.f(`<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="%s" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-t %s-d">`,
		id, w, h, id, id)
	b.f(`<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, esc(title), id, esc(desc))
}

// histogramSVG draws the score distribution with the cut score as a line
// and the band cut ± SEM shaded: candidates inside it passed or failed
// within the test's error of measurement.
func histogramSVG(lc *loc, t tierJSON) template.HTML {
	const w, h, l, r, top, bot = 640, 260, 40, 10, 10, 40
	pw, ph := float64(w-l-r), float64(h-top-bot)
	maxC := 1
	for _, b := range t.Histogram {
		maxC = max(maxC, b.Count)
	}
	x := func(p float64) float64 { return float64(l) + p/100*pw }
	var b svgBuf
	n := func(v float64, decimals int) string { return formatFixed(lc.Lang, v, decimals) }
	desc := lc.Tn("admin.chart.hist_desc", t.Attempts, "Pass", n(t.PassPercent, 0))
	if t.SEMPercent != nil {
		desc += lc.T("admin.chart.hist_desc_sem", "SEM", n(*t.SEMPercent, 1))
	}
	svgOpen(&b, "histogram", w, h, lc.T("admin.chart.hist_title"), desc+".")
	if t.SEMPercent != nil {
		lo, hi := math.Max(0, t.PassPercent-*t.SEMPercent), math.Min(100, t.PassPercent+*t.SEMPercent)
		b.f(`<rect class="sem-band" x="%.1f" y="%d" width="%.1f" height="%.1f"><title>%s</title></rect>`,
			x(lo), top, x(hi)-x(lo), ph, esc(lc.T("admin.chart.sem_band", "Low", n(lo, 1), "High", n(hi, 1))))
	}
	for _, bin := range t.Histogram {
		bh := float64(bin.Count) / float64(maxC) * ph
		b.f(`<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s</title></rect>`,
			x(bin.From)+1, float64(top)+ph-bh, x(bin.To)-x(bin.From)-2, bh,
			esc(lc.T("admin.chart.bin", "From", n(bin.From, 0), "To", n(bin.To, 0), "N", lc.Num(bin.Count))))
	}
	b.f(`<line class="cut" x1="%.1f" x2="%.1f" y1="%d" y2="%.1f"/>`, x(t.PassPercent), x(t.PassPercent), top, float64(top)+ph)
	b.f(`<text class="label" x="%.1f" y="%d">%s</text>`, x(t.PassPercent)+4, top+12, esc(lc.T("admin.chart.pass_label", "Pass", n(t.PassPercent, 0))))
	b.f(`<line class="axis" x1="%d" x2="%d" y1="%.1f" y2="%.1f"/>`, l, w-r, float64(top)+ph, float64(top)+ph)
	for p := 0; p <= 100; p += 20 {
		b.f(`<text class="tick" x="%.1f" y="%d" text-anchor="middle">%d</text>`, x(float64(p)), h-bot+16, p)
	}
	b.f(`<text class="label" x="%d" y="%d" text-anchor="middle">%s</text>`, l+int(pw/2), h-6, esc(lc.T("admin.chart.score_axis")))
	b.f(`<text class="tick" x="%d" y="%d" text-anchor="end">%d</text>`, l-4, top+10, maxC)
	b.f(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // every text in it is escaped above
}

// itemMapSVG plots each item's facility (x) against its item–rest r (y);
// flagged items are drawn as red squares, and every point links to the
// item's statistics.
func itemMapSVG(lc *loc, tier string, rows []itemStatsJSON) template.HTML {
	const w, h, l, r, top, bot = 640, 320, 48, 10, 10, 40
	pw, ph := float64(w-l-r), float64(h-top-bot)
	const rmin, rmax = -0.5, 1.0
	x := func(f float64) float64 { return float64(l) + f*pw }
	y := func(v float64) float64 {
		v = math.Max(rmin, math.Min(rmax, v))
		return float64(top) + (rmax-v)/(rmax-rmin)*ph
	}
	var b svgBuf
	shown := 0
	for _, it := range rows {
		if it.Facility != nil && it.ItemRestR != nil {
			shown++
		}
	}
	n := func(v float64, decimals int) string { return formatFixed(lc.Lang, v, decimals) }
	svgOpen(&b, "itemmap", w, h, lc.T("admin.chart.map_title"), lc.Tn("admin.chart.map_desc", shown))
	b.f(`<rect class="zone-bad" x="%d" y="%.1f" width="%.1f" height="%.1f"/>`, l, y(0), pw, y(rmin)-y(0))
	b.f(`<line class="zero" x1="%d" x2="%d" y1="%.1f" y2="%.1f"/>`, l, w-r, y(0), y(0))
	b.f(`<line class="guide" x1="%d" x2="%d" y1="%.1f" y2="%.1f"/>`, l, w-r, y(0.2), y(0.2))
	for _, it := range rows {
		if it.Facility == nil || it.ItemRestR == nil {
			continue
		}
		href := "/admin/stats/items/" + url.PathEscape(it.ItemID) + "?tier=" + url.QueryEscape(tier)
		label := lc.T("admin.chart.point", "ID", it.ItemID, "Version", it.Version, "Facility", n(*it.Facility, 2), "R", n(*it.ItemRestR, 2))
		if len(it.Flags) > 0 {
			var codes []string
			for _, f := range it.Flags {
				codes = append(codes, f.Code)
			}
			label += lc.T("admin.chart.flagged", "Codes", strings.Join(codes, ", "))
		}
		b.f(`<a href="%s" aria-label="%s">`, esc(href), esc(label))
		if len(it.Flags) > 0 && it.rank <= 1 {
			b.f(`<rect class="pt flagged" x="%.1f" y="%.1f" width="9" height="9"><title>%s</title></rect>`, x(*it.Facility)-4.5, y(*it.ItemRestR)-4.5, esc(label))
		} else {
			b.f(`<circle class="pt" cx="%.1f" cy="%.1f" r="4"><title>%s</title></circle>`, x(*it.Facility), y(*it.ItemRestR), esc(label))
		}
		b.f(`</a>`)
	}
	for f := 0; f <= 10; f += 2 {
		b.f(`<text class="tick" x="%.1f" y="%d" text-anchor="middle">%s</text>`, x(float64(f)/10), h-bot+16, n(float64(f)/10, 1))
	}
	for _, v := range []float64{-0.5, 0, 0.2, 0.5, 1} {
		b.f(`<text class="tick" x="%d" y="%.1f" text-anchor="end">%s</text>`, l-4, y(v)+4, n(v, 1))
	}
	b.f(`<text class="label" x="%d" y="%d" text-anchor="middle">%s</text>`, l+int(pw/2), h-6, esc(lc.T("admin.chart.facility_axis")))
	b.f(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // every text in it is escaped above
}

// optionBarsSVG draws each option's share; the key is marked.
func optionBarsSVG(lc *loc, it itemStatsJSON) template.HTML {
	const w, rowH, l, r = 560, 28, 90, 60
	h := rowH*len(it.Options) + 10
	pw := float64(w - l - r)
	var b svgBuf
	n := func(v float64, decimals int) string { return formatFixed(lc.Lang, v, decimals) }
	svgOpen(&b, "options", w, h, lc.T("admin.chart.options_title"), lc.Tn("admin.chart.options_desc", it.N))
	for i, o := range it.Options {
		share := 0.0
		if o.Share != nil {
			share = *o.Share
		}
		yy := 5 + i*rowH
		name := lc.T("admin.item.option", "N", o.Index+1)
		cls := "bar"
		if o.Correct {
			name += " ✓"
			cls = "bar key"
		}
		b.f(`<text class="tick" x="%d" y="%d" text-anchor="end">%s</text>`, l-6, yy+16, esc(name))
		b.f(`<rect class="%s" x="%d" y="%d" width="%.1f" height="%d"><title>%s: %s %%</title></rect>`, cls, l, yy+2, share*pw, rowH-8, esc(name), n(share*100, 1))
		b.f(`<text class="tick" x="%.1f" y="%d">%s %%</text>`, float64(l)+share*pw+4, yy+16, n(share*100, 1))
	}
	b.f(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // every text in it is escaped above
}
