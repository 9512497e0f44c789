package main

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/mopscert/mopscert/exam/simulate"
)

// TestBrowserStatistics: after 80 synthetic candidates (one item a
// giveaway, so the review queue is never empty), an admin opens the
// statistics: both charts are SVG with a title and a description and a
// table of the same figures beside them, and the review queue's sort links
// and item links are reached and followed with the keyboard alone.
func TestBrowserStatistics(t *testing.T) {
	ctx := browser(t)
	m := startMain(t, "", func(c *Config) { c.StatsMinN = 10 })
	pool, err := m.bank.DrawPool(context.Background(), "foundation")
	if err != nil || len(pool) == 0 {
		t.Fatal(err)
	}
	r := &simulate.Runner{DB: m.db, Exams: m.exams, Items: m.bank, Certs: m.certs, Seed: 5,
		Model: simulate.Model{Items: map[string]simulate.ItemParams{pool[0].ID: {Giveaway: true}}}}
	if _, err := r.Run(context.Background(), "foundation", 80); err != nil {
		t.Fatal(err)
	}
	base := m.URL()
	do(t, ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys("#email", adminEmail, chromedp.ByQuery),
		chromedp.SendKeys("#password", adminPassword, chromedp.ByQuery),
		chromedp.Click(`button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.tier-card`, chromedp.ByQuery),
		chromedp.Click(`a[href="/admin/stats"]`, chromedp.ByQuery), // from the navigation
		chromedp.WaitVisible(`#histogram`, chromedp.ByQuery),
	)
	snap(t, ctx, "admin-statistics")
	var charts []struct {
		Tag, Role, Title, Desc string
		Rows                   int
	}
	do(t, ctx, chromedp.Evaluate(`["histogram", "itemmap"].map(id => {
		const s = document.getElementById(id);
		const table = document.getElementById(id + "-table");
		return {Tag: s.tagName, Role: s.getAttribute("role"), Title: s.querySelector("title").textContent,
			Desc: s.querySelector("desc").textContent, Rows: table ? table.tBodies[0].rows.length : -1};
	})`, &charts))
	for _, c := range charts {
		if c.Tag != "svg" || c.Role != "img" || c.Title == "" || c.Desc == "" || c.Rows <= 0 {
			t.Errorf("chart %+v: want an svg role=img with title, desc and a table beside it", c)
		}
	}
	var points int
	do(t, ctx, chromedp.Evaluate(`document.querySelectorAll("#itemmap a").length`, &points))
	if points == 0 {
		t.Errorf("item map has no linked points")
	}

	// Keyboard only: Tab to the "Facility" sort link, Enter, then Tab to
	// the first item of the queue and Enter.
	tabTo := func(js string) {
		t.Helper()
		for i := 0; i < 200; i++ {
			var ok bool
			do(t, ctx, chromedp.Evaluate(js, &ok))
			if ok {
				return
			}
			do(t, ctx, chromedp.KeyEvent("\t"))
		}
		t.Fatalf("never reached %s with Tab", js)
	}
	tabTo(`document.activeElement.classList.contains("sort-link") && document.activeElement.textContent === "Facility"`)
	do(t, ctx, chromedp.KeyEvent("\r"), chromedp.WaitVisible(`#queue`, chromedp.ByQuery))
	var loc string
	do(t, ctx, chromedp.Location(&loc))
	if !strings.Contains(loc, "sort=facility") {
		t.Fatalf("after Enter on the sort link: %s", loc)
	}
	// The giveaway item (facility 1) sorts last by facility; every row
	// of the queue has flags.
	var flags []string
	do(t, ctx, chromedp.Evaluate(`[...document.querySelectorAll("#queue tbody tr")].map(r => r.querySelector("code").textContent)`, &flags))
	if len(flags) == 0 {
		t.Fatal("review queue is empty")
	}
	tabTo(`document.activeElement.closest && document.activeElement.closest("#queue") !== null`)
	do(t, ctx, chromedp.KeyEvent("\r", chromedp.KeyModifiers(input.ModifierNone)), chromedp.WaitVisible(`h1`, chromedp.ByQuery))
	do(t, ctx, chromedp.Location(&loc))
	if !strings.Contains(loc, "/admin/stats/items/") {
		t.Fatalf("after Enter on a queue link: %s", loc)
	}
	snap(t, ctx, "admin-item-statistics")
	var opt struct{ Title, Desc string }
	do(t, ctx, chromedp.Evaluate(`(() => { const s = document.querySelector("svg#options");
		return s ? {Title: s.querySelector("title").textContent, Desc: s.querySelector("desc").textContent} : {}; })()`, &opt))
	if opt.Title == "" || opt.Desc == "" {
		t.Errorf("option bars chart missing or without title/desc: %+v", opt)
	}
}
