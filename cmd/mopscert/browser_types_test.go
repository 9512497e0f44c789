package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/mopscert/mopscert/bank"
	"github.com/mopscert/mopscert/exam"
)

// typedFoundation makes the foundation tier a three-question form of one
// numeric (with an exhibit), one ordering and one matching item.
func typedFoundation(t *testing.T, m *Main) {
	t.Helper()
	ctx := context.Background()
	for _, it := range []*bank.Item{{
		ID: "typed-numeric", Type: bank.Numeric, Stem: "Using the exhibit, what share of routed MQLs breached the SLA?",
		Exhibit: "| Month | Routed | Late |\n|---|---:|---:|\n| Jan | 400 | 48 |\n| Feb | 350 | 49 |\n| Mar | 450 | 63 |",
		Numeric: &bank.NumericKey{Value: 13.33, Tolerance: 0.05, Unit: "%"},
	}, {
		ID: "typed-ordering", Type: bank.Ordering, Stem: "Put the lead lifecycle stages in order.",
		Options: []bank.Option{{Text: "Inquiry"}, {Text: "MQL"}, {Text: "SQL"}, {Text: "Opportunity"}},
	}, {
		ID: "typed-matching", Type: bank.Matching, Stem: "Match each tool category to its main job.",
		Options: []bank.Option{{Text: "CDP", Match: "Unify customer profiles"}, {Text: "CRM", Match: "Track deals"},
			{Text: "Marketing automation", Match: "Send nurture emails"}},
	}} {
		it.Status, it.Domain, it.Tiers = bank.Active, bank.Concepts, []string{"foundation"}
		it.Rationale, it.Source = "Worked answer.", "Test fixture"
		if err := m.bank.CreateItem(ctx, it, "test"); err != nil {
			t.Fatalf("create %s: %v", it.ID, err)
		}
	}
	if _, err := m.exams.UpdateTier(ctx, "foundation", exam.TierUpdate{Blueprint: exam.Blueprint{bank.Concepts: 3}}); err != nil {
		t.Fatalf("foundation blueprint: %v", err)
	}
}

// showQuestion opens the question of the given type from the navigator.
func showQuestion(t *testing.T, ctx context.Context, typ string) {
	t.Helper()
	do(t, ctx, chromedp.Evaluate(`fetch(location.pathname.replace("/exam/", "/api/v1/attempts/"), {credentials: "same-origin"})
		.then(r => r.json()).then(a => { window.__typeIndex = a.questions.findIndex(q => q.type === "`+typ+`"); })`, nil),
		chromedp.Poll(`window.__typeIndex !== undefined`, nil, chromedp.WithPollingTimeout(5*time.Second)),
		chromedp.Evaluate(`document.querySelectorAll("#navigator button")[window.__typeIndex].click(); delete window.__typeIndex`, nil),
		chromedp.WaitVisible(`#q-heading`, chromedp.ByQuery))
}

// TestBrowserItemTypes answers a numeric, an ordering (keyboard only) and a
// matching question, reloads and finds them resumed, and submits for the
// full score.
func TestBrowserItemTypes(t *testing.T) {
	ctx := browser(t)
	m := startMain(t, "", func(c *Config) { c.DefaultBank = false })
	typedFoundation(t, m)
	base := m.URL()
	registerInBrowser(t, ctx, base, "Olu Adeyemi", "olu@example.com")
	id := startExam(t, ctx, "foundation")

	// Numeric: the exhibit is a captioned table in a labelled region; the
	// answer is typed with a comma and the unit.
	showQuestion(t, ctx, "numeric")
	var exhibit struct {
		Caption, Label string
		Headers        int
	}
	do(t, ctx, chromedp.Evaluate(`({caption: document.querySelector("#q-exhibit table caption").textContent,
		label: document.querySelector("#q-exhibit").getAttribute("aria-label"),
		headers: document.querySelectorAll("#q-exhibit th[scope=col]").length})`, &exhibit))
	if exhibit.Caption == "" || !strings.HasPrefix(exhibit.Label, "Exhibit") || exhibit.Headers != 3 {
		t.Errorf("exhibit = %+v, want a captioned table with 3 column headers in a labelled region", exhibit)
	}
	var inputMode, unit string
	do(t, ctx, chromedp.AttributeValue(`#q-value`, "inputmode", &inputMode, nil, chromedp.ByQuery),
		chromedp.Text(`#q-unit`, &unit, chromedp.ByQuery))
	if inputMode != "decimal" || unit != "%" {
		t.Errorf("numeric input: inputmode %q, unit %q", inputMode, unit)
	}
	do(t, ctx, chromedp.Focus(`#q-value`, chromedp.ByQuery), chromedp.KeyEvent("13,33 %"))
	waitSaved(t, ctx)

	// Ordering, by keyboard only: focus a Move button and press Enter or
	// Space until the list reads in the right order.
	showQuestion(t, ctx, "ordering")
	want := []string{"Inquiry", "MQL", "SQL", "Opportunity"}
	for target, text := range want {
		for step := 0; step < 6; step++ {
			var order []string
			do(t, ctx, chromedp.Evaluate(`Array.from(document.querySelectorAll("#q-order .order-text")).map(x => x.textContent)`, &order))
			pos := indexOf(order, text)
			if pos == target {
				break
			}
			key := "\r"
			if step%2 == 1 {
				key = " "
			}
			do(t, ctx, chromedp.Evaluate(`Array.from(document.querySelectorAll("#q-order li")).find(l =>
				l.querySelector(".order-text").textContent === `+"`"+text+"`"+`).querySelector(".move-up").focus()`, nil),
				chromedp.KeyEvent(key))
			var active string
			do(t, ctx, chromedp.Evaluate(`document.activeElement.textContent`, &active))
			if active != "Move up" && active != "Move down" {
				t.Fatalf("focus left the Move buttons after a move: %q", active)
			}
		}
	}
	if got := textOf(t, ctx, "#order-announcer"); !strings.Contains(got, "moved to position") {
		t.Errorf("announcer = %q", got)
	}
	waitSaved(t, ctx)

	// Matching: one labelled select per prompt.
	showQuestion(t, ctx, "matching")
	do(t, ctx, chromedp.Evaluate(`(() => {
		const pairs = {"CDP": "Unify customer profiles", "CRM": "Track deals", "Marketing automation": "Send nurture emails"};
		document.querySelectorAll(".match-row").forEach(row => {
			const sel = row.querySelector("select");
			const want = pairs[row.querySelector("label").textContent.trim()];
			sel.value = Array.from(sel.options).find(o => o.textContent === want).value;
			sel.dispatchEvent(new Event("change", {bubbles: true}));
		});
	})()`, nil))
	waitSaved(t, ctx)
	if got := textOf(t, ctx, "#progress-label"); got != "3 of 3 answered" {
		t.Errorf("progress = %q", got)
	}

	// Reload: every answer comes back from the server.
	do(t, ctx, chromedp.Reload(), chromedp.WaitVisible(`#q-heading`, chromedp.ByQuery))
	showQuestion(t, ctx, "numeric")
	var value string
	do(t, ctx, chromedp.Value(`#q-value`, &value, chromedp.ByQuery))
	if value != "13,33 %" {
		t.Errorf("numeric resumed as %q", value)
	}
	showQuestion(t, ctx, "ordering")
	var order []string
	do(t, ctx, chromedp.Evaluate(`Array.from(document.querySelectorAll("#q-order .order-text")).map(x => x.textContent)`, &order))
	if strings.Join(order, ",") != strings.Join(want, ",") {
		t.Errorf("ordering resumed as %v", order)
	}
	showQuestion(t, ctx, "matching")
	var picked []string
	do(t, ctx, chromedp.Evaluate(`Array.from(document.querySelectorAll(".match-row select")).map(s => s.options[s.selectedIndex].textContent)`, &picked))
	if len(picked) != 3 || indexOf(picked, "Choose an answer…") >= 0 {
		t.Errorf("matching resumed as %v", picked)
	}

	do(t, ctx, chromedp.Click(`#to-review`, chromedp.ByQuery), chromedp.WaitVisible(`#review`, chromedp.ByQuery))
	submitExam(t, ctx)
	var res struct {
		ScorePercent float64 `json:"score_percent"`
	}
	getJSON(t, ctx, base+"/api/v1/attempts/"+id+"/result", &res)
	if res.ScorePercent != 100 {
		t.Errorf("score = %v %%, want 100", res.ScorePercent)
	}
}

func indexOf(xs []string, s string) int {
	for i, x := range xs {
		if x == s {
			return i
		}
	}
	return -1
}

// choiceFoundation replaces the shipped bank with 30 single-answer items for
// the foundation tier, so the browser tests of the exam page's common parts
// (keyboard, flags, review, offline queue, auto-submit, certificates) click
// the same kind of question at the same place every run. The shipped bank
// and its item types have tests of their own.
func choiceFoundation(t *testing.T, m *Main) {
	t.Helper()
	ctx := context.Background()
	topics := []string{"lifecycle stages", "lead routing", "consent records", "bounce handling", "list logic",
		"field governance", "campaign naming", "sync errors", "report filters", "intake briefs"}
	bp := exam.Blueprint{bank.Concepts: 10, bank.Tools: 14, bank.SoftSkills: 6}
	n := 0
	for _, d := range bank.Domains {
		for i := 0; i < bp[d]; i++ {
			n++
			it := &bank.Item{
				ID: fmt.Sprintf("choice-%02d", n), Status: bank.Active, Domain: d, Tiers: []string{"foundation"},
				Topic: topics[n%len(topics)], Type: bank.Single,
				Stem: fmt.Sprintf("Fixture question %d about %s: which of these four labelled answers is the one marked right?", n, topics[n%len(topics)]),
				Options: []bank.Option{{Text: fmt.Sprintf("Answer north %d", n), Correct: true}, {Text: fmt.Sprintf("Answer south %d", n)},
					{Text: fmt.Sprintf("Answer east %d", n)}, {Text: fmt.Sprintf("Answer west %d", n)}},
				Rationale: "A fixture.", Source: "Test fixture",
			}
			if err := m.bank.CreateItem(ctx, it, "test"); err != nil {
				t.Fatalf("create %s: %v", it.ID, err)
			}
		}
	}
	if _, err := m.exams.UpdateTier(ctx, "foundation", exam.TierUpdate{Blueprint: bp}); err != nil {
		t.Fatalf("foundation blueprint: %v", err)
	}
}
