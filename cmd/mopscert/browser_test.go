package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/mopscert/mopscert/bank"
)

// chromium finds a Chromium to drive. Without one the browser tests skip
// locally; CI sets MOPSCERT_REQUIRE_TOOLS=1 so a missing browser fails.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("MOPSCERT_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("MOPSCERT_REQUIRE_TOOLS") == "1" {
		t.Fatal("Chromium is required (MOPSCERT_REQUIRE_TOOLS=1) but not installed: apt-get install chromium")
	}
	t.Skip("Chromium not installed; skipping browser test (apt-get install chromium)")
	return ""
}

// browser starts a headless Chromium with a fresh profile.
func browser(t *testing.T) context.Context {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	// Not t.TempDir: Chromium may still be writing its profile for a moment
	// after it is told to close, and TempDir's cleanup fails on that.
	profile, err := os.MkdirTemp("", "mopscert-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() {
		_ = chromedp.Cancel(ctx)
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
		_ = os.RemoveAll(profile)
	})
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

func do(t *testing.T, ctx context.Context, actions ...chromedp.Action) {
	t.Helper()
	// Each step gets its own time limit, so a missing element fails fast
	// with a screenshot of what the page showed instead.
	stepCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Run(stepCtx, actions...); err != nil {
		var png []byte
		var loc string
		shot, cancelShot := context.WithTimeout(ctx, 5*time.Second)
		defer cancelShot()
		if chromedp.Run(shot, chromedp.Location(&loc), chromedp.FullScreenshot(&png, 100)) == nil {
			f := filepath.Join(os.TempDir(), strings.ReplaceAll(t.Name(), "/", "_")+".png")
			if os.WriteFile(f, png, 0o600) == nil {
				t.Logf("page %s; screenshot in %s", loc, f)
			}
		}
		t.Fatalf("browser: %v", err)
	}
}

// snap saves a screenshot when MOPSCERT_SCREENSHOTS names a folder, to look
// at the pages as a person would.
func snap(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("MOPSCERT_SCREENSHOTS")
	if dir == "" {
		return
	}
	var png []byte
	do(t, ctx, chromedp.FullScreenshot(&png, 100))
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func textOf(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	var s string
	do(t, ctx, chromedp.Text(sel, &s, chromedp.ByQuery, chromedp.NodeVisible))
	return s
}

// registerInBrowser creates a candidate through the registration page.
func registerInBrowser(t *testing.T, ctx context.Context, base, name, email string) {
	t.Helper()
	do(t, ctx,
		chromedp.Navigate(base+"/register"),
		chromedp.SendKeys("#name", name, chromedp.ByQuery),
		chromedp.SendKeys("#email", email, chromedp.ByQuery),
		chromedp.SendKeys("#password", "correct horse battery", chromedp.ByQuery),
		chromedp.Click(`button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.tier-card`, chromedp.ByQuery),
	)
}

// startExam presses the start button of a tier on the dashboard and returns
// the attempt id from the exam page's address.
func startExam(t *testing.T, ctx context.Context, tier string) string {
	t.Helper()
	var loc string
	do(t, ctx,
		chromedp.Click(fmt.Sprintf(`.tier-card[data-tier=%q] button[type=submit]`, tier), chromedp.ByQuery),
		chromedp.WaitVisible(`#q-heading`, chromedp.ByQuery),
		chromedp.Location(&loc),
	)
	return loc[strings.LastIndex(loc, "/")+1:]
}

// submitExam presses Submit on the review screen and waits for the result
// page. Submitting navigates, and a query that chromedp started on the old
// document can fail with "No node with given id" while the new one loads;
// such a failure is retried on the new page, any other fails the test.
func submitExam(t *testing.T, ctx context.Context) {
	t.Helper()
	do(t, ctx, chromedp.WaitVisible(`#submit`, chromedp.ByQuery), chromedp.Click(`#submit`, chromedp.ByQuery))
	for try := 0; ; try++ {
		stepCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err := chromedp.Run(stepCtx, chromedp.WaitVisible(`#outcome`, chromedp.ByQuery))
		cancel()
		if err == nil {
			return
		}
		if try == 2 || !(strings.Contains(err.Error(), "No node with given id") || strings.Contains(err.Error(), "context was destroyed")) {
			do(t, ctx, chromedp.WaitVisible(`#outcome`, chromedp.ByQuery)) // fails with a screenshot
			return
		}
	}
}

// waitSaved waits until the page says every answer reached the server.
func waitSaved(t *testing.T, ctx context.Context) {
	t.Helper()
	do(t, ctx, chromedp.Poll(`document.getElementById("save-state").textContent === "All answers saved"`, nil,
		chromedp.WithPollingTimeout(15*time.Second)))
}

func TestBrowserCandidateExam(t *testing.T) {
	ctx := browser(t)
	m := startMain(t, "", func(c *Config) { c.SweepEvery = 200 * time.Millisecond; c.DefaultBank = false })
	choiceFoundation(t, m)
	base := m.URL()
	registerInBrowser(t, ctx, base, "Zoë Ångström", "zoe@example.com")
	snap(t, ctx, "dashboard")
	id := startExam(t, ctx, "foundation")

	// Answer question 1 with the keyboard: focus the first option, Space.
	do(t, ctx,
		chromedp.Focus(`#question-view input[type=radio], #question-view input[type=checkbox]`, chromedp.ByQuery),
		chromedp.KeyEvent(" "),
	)
	waitSaved(t, ctx)
	do(t, ctx,
		chromedp.Click(`#next`, chromedp.ByQuery),
		chromedp.WaitVisible(`#q-heading`, chromedp.ByQuery),
		chromedp.Click(`#question-view label.option input`, chromedp.ByQuery),
		chromedp.Click(`#flag`, chromedp.ByQuery),
	)
	waitSaved(t, ctx)
	snap(t, ctx, "exam-question")
	if got := textOf(t, ctx, "#progress-label"); got != "2 of 30 answered" {
		t.Errorf("progress = %q", got)
	}

	// Reload mid-exam: answers, flag and timer come back from the server.
	do(t, ctx, chromedp.Reload(), chromedp.WaitVisible(`#q-heading`, chromedp.ByQuery))
	var classes []string
	do(t, ctx, chromedp.Evaluate(`Array.from(document.querySelectorAll("#navigator button")).slice(0, 3).map(b => b.className)`, &classes))
	if len(classes) != 3 || !strings.Contains(classes[0], "answered") || !strings.Contains(classes[1], "flagged") || strings.Contains(classes[2], "answered") {
		t.Fatalf("navigator after reload = %q", classes)
	}
	left := textOf(t, ctx, "#countdown")
	if secs := clockSeconds(t, left); secs > 45*60 || secs < 40*60 {
		t.Errorf("countdown after reload = %q, want a little under 45:00", left)
	}
	var attempt struct {
		Questions []struct {
			Answer *struct{ Flagged bool } `json:"answer"`
		} `json:"questions"`
	}
	getJSON(t, ctx, base+"/api/v1/attempts/"+id, &attempt)
	if attempt.Questions[0].Answer == nil || attempt.Questions[1].Answer == nil || !attempt.Questions[1].Answer.Flagged {
		t.Fatalf("server does not hold the two answers")
	}

	// Review lists the flagged and unanswered questions, then submit.
	do(t, ctx, chromedp.Click(`#to-review`, chromedp.ByQuery), chromedp.WaitVisible(`#review`, chromedp.ByQuery))
	snap(t, ctx, "exam-review")
	if got := textOf(t, ctx, "#review-flagged"); !strings.Contains(got, "Question 2") {
		t.Errorf("flagged list = %q", got)
	}
	var unanswered int
	do(t, ctx, chromedp.Evaluate(`document.querySelectorAll("#review-unanswered li").length`, &unanswered))
	if unanswered != 28 {
		t.Errorf("unanswered list has %d entries, want 28", unanswered)
	}
	submitExam(t, ctx)
	if got := textOf(t, ctx, "#outcome"); got != "Not passed this time" {
		t.Errorf("outcome = %q", got)
	}
}

func clockSeconds(t *testing.T, s string) int {
	t.Helper()
	total := 0
	for _, p := range strings.Split(s, ":") {
		n, err := strconv.Atoi(p)
		if err != nil {
			t.Fatalf("countdown %q: %v", s, err)
		}
		total = total*60 + n
	}
	return total
}

// getJSON fetches a URL with the browser's cookies.
func getJSON(t *testing.T, ctx context.Context, url string, v any) {
	t.Helper()
	body := fetchWithCookies(t, ctx, url)
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
}

func fetchWithCookies(t *testing.T, ctx context.Context, url string) []byte {
	t.Helper()
	var cookies []*network.Cookie
	do(t, ctx, chromedp.ActionFunc(func(ctx context.Context) error {
		var err error
		cookies, err = network.GetCookies().WithURLs([]string{url}).Do(ctx)
		return err
	}))
	req, _ := http.NewRequest("GET", url, nil)
	for _, c := range cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", url, res.StatusCode, data)
	}
	return data
}

func TestBrowserAutoSubmit(t *testing.T) {
	ctx := browser(t)
	m := startMain(t, "", func(c *Config) {
		c.SweepEvery = 200 * time.Millisecond
		c.Grace = time.Second
		c.DefaultBank = false
	})
	choiceFoundation(t, m)
	base := m.URL()
	admin := newClient(t, base)
	mustStatus(t, admin.login(adminEmail, adminPassword), 200)
	mustStatus(t, admin.do("PUT", "/api/v1/admin/tiers/foundation", map[string]any{"time_limit_seconds": 6}, nil), 200)

	registerInBrowser(t, ctx, base, "Ana Lima", "ana@example.com")
	startExam(t, ctx, "foundation")
	do(t, ctx, chromedp.Click(`#question-view label.option input`, chromedp.ByQuery))
	// No click on submit: the page counts down and the attempt is submitted
	// at the deadline.
	do(t, ctx, chromedp.WaitVisible(`#outcome`, chromedp.ByQuery))
	body := textOf(t, ctx, "main")
	if !strings.Contains(body, "submitted automatically") {
		t.Errorf("result page does not say it was submitted automatically: %q", body)
	}
}

// answerKey reads, from the database, which displayed options are correct
// for each question of an attempt (the test plays a candidate who knows).
func answerKey(t *testing.T, m *Main, attemptID string) map[string][]string {
	t.Helper()
	rows, err := m.db.R.Query(`SELECT question_id, item_id, item_version, option_order FROM attempt_questions WHERE attempt_id = ?`, attemptID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	type q struct {
		ref   bank.Ref
		order []int
	}
	qs := map[string]q{}
	var refs []bank.Ref
	for rows.Next() {
		var id, order string
		var r bank.Ref
		if err := rows.Scan(&id, &r.ID, &r.Version, &order); err != nil {
			t.Fatal(err)
		}
		var o []int
		_ = json.Unmarshal([]byte(order), &o)
		qs[id] = q{r, o}
		refs = append(refs, r)
	}
	items, err := m.bank.ItemVersions(context.Background(), refs)
	if err != nil {
		t.Fatal(err)
	}
	key := map[string][]string{}
	for id, q := range qs {
		for pos, idx := range q.order {
			if items[q.ref].Options[idx].Correct {
				key[id] = append(key[id], string(rune('a'+pos)))
			}
		}
	}
	return key
}

func TestBrowserPassVerifyRevoke(t *testing.T) {
	ctx := browser(t)
	m := startMain(t, "", func(c *Config) { c.DefaultBank = false })
	choiceFoundation(t, m)
	base := m.URL()
	registerInBrowser(t, ctx, base, "Наталья Иванова", "natalia@example.com")
	id := startExam(t, ctx, "foundation")
	key := answerKey(t, m, id)

	var qids []string
	do(t, ctx, chromedp.Evaluate(`fetch("/api/v1/attempts/`+id+`").then(r => r.json()).then(a => a.questions.map(q => q.id))`, &qids,
		func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	for i, qid := range qids {
		do(t, ctx, chromedp.Click(fmt.Sprintf(`#navigator button[data-index="%d"]`, i), chromedp.ByQuery),
			chromedp.WaitVisible(`#q-heading`, chromedp.ByQuery))
		for _, letter := range key[qid] {
			do(t, ctx, chromedp.Click(fmt.Sprintf(`#question-view input[value=%q]`, letter), chromedp.ByQuery))
		}
	}
	waitSaved(t, ctx)
	do(t, ctx, chromedp.Click(`#to-review`, chromedp.ByQuery), chromedp.WaitVisible(`#review`, chromedp.ByQuery))
	submitExam(t, ctx)
	if got := textOf(t, ctx, "#outcome"); got != "Passed" {
		t.Fatalf("outcome = %q after answering every question right", got)
	}
	snap(t, ctx, "result-passed")
	var qrShown bool
	do(t, ctx, chromedp.Evaluate(`(() => { const i = document.querySelector(".qr img"); return !!i && i.complete && i.naturalWidth > 0 })()`, &qrShown))
	if !qrShown {
		t.Error("the result page's QR code image does not display")
	}
	certID := textOf(t, ctx, "#cert-id")

	// The PDF downloads for its owner and names the holder.
	var pdfURL string
	do(t, ctx, chromedp.AttributeValue(`#pdf-link`, "href", &pdfURL, nil, chromedp.ByQuery))
	pdf := fetchWithCookies(t, ctx, base+pdfURL)
	if !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Fatalf("download is not a PDF")
	}
	if txt := pdfText(t, pdf); !strings.Contains(txt, "Наталья Иванова") || !strings.Contains(txt, certID) {
		t.Errorf("PDF text lacks the holder or id:\n%s", txt)
	}

	// The verification link says valid…
	do(t, ctx, chromedp.Click(`#verify-link`, chromedp.ByQuery), chromedp.WaitVisible(`#verdict-h`, chromedp.ByQuery))
	if got := textOf(t, ctx, "#verdict-h"); got != "Valid" {
		t.Fatalf("verdict = %q", got)
	}
	snap(t, ctx, "verify-valid")
	if got := textOf(t, ctx, "#holder"); got != "Наталья Иванова" {
		t.Errorf("holder = %q", got)
	}
	// …until an admin revokes it.
	admin := newClient(t, base)
	mustStatus(t, admin.login(adminEmail, adminPassword), 200)
	mustStatus(t, admin.do("POST", "/api/v1/admin/certificates/"+certID+"/revoke",
		map[string]string{"public_reason": "misconduct", "note": "exam irregularity, ticket 17"}, nil), 200)
	do(t, ctx, chromedp.Reload(), chromedp.WaitVisible(`#verdict-h`, chromedp.ByQuery))
	if got := textOf(t, ctx, "#verdict-h"); got != "Revoked" {
		t.Fatalf("verdict after revoking = %q", got)
	}
	snap(t, ctx, "verify-revoked")
	// The public reason in words; the admins' note stays with them.
	if got := textOf(t, ctx, ".verdict"); !strings.Contains(got, "exam misconduct") || strings.Contains(got, "ticket 17") {
		t.Errorf("revoked page does not give the public reason, or shows the note: %q", got)
	}
}

// pdfText extracts a PDF's text with poppler's pdftotext.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("MOPSCERT_REQUIRE_TOOLS") == "1" {
			t.Fatal("pdftotext is required but not installed (apt-get install poppler-utils)")
		}
		t.Skip("pdftotext not installed")
	}
	f := filepath.Join(t.TempDir(), "c.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", f, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func TestBrowserAdminBank(t *testing.T) {
	ctx := browser(t)
	m := startMain(t, "", nil)
	base := m.URL()
	do(t, ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys("#email", adminEmail, chromedp.ByQuery),
		chromedp.SendKeys("#password", adminPassword, chromedp.ByQuery),
		chromedp.Click(`button[type=submit]`, chromedp.ByQuery),
		// An admin lands on the admin home (the question bank), not the
		// candidate dashboard.
		chromedp.WaitVisible(`a[href="/admin/items/new"]`, chromedp.ByQuery),
		chromedp.Navigate(base+"/admin/items/new"),
		chromedp.WaitVisible(`#item-form`, chromedp.ByQuery),
		chromedp.SetValue(`#topic`, "metrics", chromedp.ByQuery),
		chromedp.Click(`input[name=tiers][value=foundation]`, chromedp.ByQuery),
		chromedp.SendKeys(`#stem`, "Which rate divides **clicks** by delivered emails?", chromedp.ByQuery),
	)
	for i, o := range []string{"Click-through rate", "Open rate", "Bounce rate", "Unsubscribe rate"} {
		do(t, ctx, chromedp.SendKeys(fmt.Sprintf(`#options .opt-row:nth-of-type(%d) input[name=opt-text]`, i+1), o, chromedp.ByQuery))
	}
	do(t, ctx,
		chromedp.Click(`#options .opt-row:nth-of-type(1) input[name=opt-correct]`, chromedp.ByQuery),
		chromedp.SendKeys(`#rationale`, "Click-through rate is clicks over delivered.", chromedp.ByQuery),
		chromedp.SendKeys(`#source`, "topic: metrics", chromedp.ByQuery),
		// The preview renders the Markdown, sanitized, as the candidate will see it.
		chromedp.WaitVisible(`#preview strong`, chromedp.ByQuery),
	)
	snap(t, ctx, "admin-item-editor")
	if got := textOf(t, ctx, "#preview strong"); got != "clicks" {
		t.Errorf("preview bold = %q", got)
	}
	do(t, ctx, chromedp.Click(`#save`, chromedp.ByQuery), chromedp.WaitVisible(`#item-status`, chromedp.ByQuery))
	if got := textOf(t, ctx, "#item-status"); got != "draft" {
		t.Fatalf("new item status = %q", got)
	}
	do(t, ctx,
		chromedp.Click(`button[data-status=review]`, chromedp.ByQuery),
		chromedp.WaitVisible(`button[data-status=active]`, chromedp.ByQuery),
		chromedp.Click(`button[data-status=active]`, chromedp.ByQuery),
		chromedp.WaitVisible(`button[data-status=retired]`, chromedp.ByQuery),
	)
	if got := textOf(t, ctx, "#item-status"); got != "active" {
		t.Fatalf("status after activating = %q", got)
	}

	// The German wording: each German option shows the English beside it;
	// a half-translated item is refused at the empty German field; the
	// preview renders the German; saving keeps it in the next version.
	do(t, ctx,
		chromedp.Click(`#variant-de summary`, chromedp.ByQuery),
		chromedp.WaitVisible(`#de-stem`, chromedp.ByQuery),
	)
	if got := textOf(t, ctx, `#de-options .de-opt-row:nth-of-type(2) [data-ref=opt-text]`); got != "Open rate" {
		t.Errorf("English beside German option 2 = %q", got)
	}
	do(t, ctx,
		chromedp.SendKeys(`#de-stem`, "Welche Quote teilt **Klicks** durch zugestellte E-Mails?", chromedp.ByQuery),
		chromedp.Click(`#save`, chromedp.ByQuery),
		chromedp.Poll(`document.getElementById("err-de-opt-0").textContent.trim() !== ""`, nil, chromedp.WithPollingTimeout(10*time.Second)),
	)
	if got := textOf(t, ctx, "#err-de-opt-0"); !strings.Contains(got, "needs text") {
		t.Errorf("error beside German option 1 = %q", got)
	}
	for i, o := range []string{"Klickrate", "Öffnungsrate", "Bounce-Rate", "Abmelderate"} {
		do(t, ctx, chromedp.SendKeys(fmt.Sprintf(`#de-options .de-opt-row:nth-of-type(%d) input[name=de-opt-text]`, i+1), o, chromedp.ByQuery))
	}
	do(t, ctx,
		chromedp.SendKeys(`#de-rationale`, "Die Klickrate sind Klicks durch zugestellte E-Mails.", chromedp.ByQuery),
		chromedp.Poll(`(document.querySelector("#preview-de strong") || {}).textContent === "Klicks"`, nil, chromedp.WithPollingTimeout(10*time.Second)),
	)
	snap(t, ctx, "admin-item-editor-german")
	var loc string
	do(t, ctx, chromedp.Click(`#save`, chromedp.ByQuery), chromedp.WaitVisible(`#form-saved`, chromedp.ByQuery), chromedp.Location(&loc))
	u, _ := url.Parse(loc)
	saved, err := m.bank.FindItemByID(context.Background(), strings.TrimPrefix(u.Path, "/admin/items/"))
	if err != nil {
		t.Fatalf("saved item at %s: %v", loc, err)
	}
	if de := saved.Translations["de"]; de.Stem != "Welche Quote teilt **Klicks** durch zugestellte E-Mails?" || len(de.Options) != 4 || de.Options[1].Text != "Öffnungsrate" {
		t.Errorf("saved German %+v", de)
	}

	// Import a GIFT file with one bad line: the page names that line and
	// nothing is imported.
	gift := "::q1:: Which team owns the lead-scoring model? {=Marketing operations ~Legal ~Facilities}\n\n" +
		"::q2:: What does UTM stand for? {=Urchin Tracking Module ~Unified Tag Model\n\n" +
		"::q3:: SPF is a standard for email authentication. {T}\n"
	f := filepath.Join(t.TempDir(), "bad.gift")
	if err := os.WriteFile(f, []byte(gift), 0o600); err != nil {
		t.Fatal(err)
	}
	before := countItems(t, m)
	do(t, ctx,
		chromedp.Navigate(base+"/admin/import"),
		chromedp.SetUploadFiles(`#file`, []string{f}, chromedp.ByQuery),
		chromedp.SetValue(`#format`, "gift", chromedp.ByQuery),
		chromedp.Click(`#check-import`, chromedp.ByQuery),
		chromedp.WaitVisible(`#import-errors`, chromedp.ByQuery),
	)
	snap(t, ctx, "admin-import-errors")
	if got := textOf(t, ctx, "#import-errors"); !strings.Contains(got, "Line 3") {
		t.Errorf("import errors = %q, want line 3 named", got)
	}
	if after := countItems(t, m); after != before {
		t.Errorf("items went from %d to %d after a refused import", before, after)
	}
}

func countItems(t *testing.T, m *Main) int {
	var n int
	if err := m.db.R.QueryRow(`SELECT count(*) FROM items`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestBrowserOfflineQueue: an answer given while the connection is down is
// kept in the browser and shown as not yet saved; even when the page is
// left before the connection returns, opening the exam again sends it.
func TestBrowserOfflineQueue(t *testing.T) {
	ctx := browser(t)
	m := startMain(t, "", func(c *Config) { c.DefaultBank = false })
	choiceFoundation(t, m)
	registerInBrowser(t, ctx, m.URL(), "Ana Offline", "offline@example.com")
	id := startExam(t, ctx, "foundation")
	offline := func(off bool) chromedp.Action {
		return chromedp.ActionFunc(func(ctx context.Context) error {
			if err := network.Enable().Do(ctx); err != nil {
				return err
			}
			return network.EmulateNetworkConditions(off, 0, -1, -1).Do(ctx)
		})
	}
	do(t, ctx, offline(true),
		chromedp.Click(`#question-view label.option input`, chromedp.ByQuery),
		chromedp.Poll(`document.getElementById("save-state").textContent.startsWith("Connection lost")`, nil,
			chromedp.WithPollingTimeout(10*time.Second)),
	)
	var stored string
	do(t, ctx, chromedp.Evaluate(`localStorage.getItem("mopscert:pending:`+id+`") || ""`, &stored))
	if !strings.Contains(stored, "choices") {
		t.Fatalf("the unsent answer is not kept in localStorage: %q", stored)
	}
	if n := savedAnswers(t, m, id); n != 0 {
		t.Fatalf("the server has %d answers while the browser was offline", n)
	}
	// Leave the page while still offline (a closed tab, a crash), come back
	// online and open the exam again: the kept answer is sent.
	var examURL string
	do(t, ctx, chromedp.Location(&examURL))
	do(t, ctx, chromedp.Navigate("about:blank"), offline(false),
		chromedp.Navigate(examURL), chromedp.WaitVisible(`#q-heading`, chromedp.ByQuery))
	// Wait on the database itself, not on what the page says.
	for i := 0; savedAnswers(t, m, id) != 1; i++ {
		if i == 100 {
			t.Fatal("the kept answer never reached the server after the connection returned")
		}
		time.Sleep(100 * time.Millisecond)
	}
	waitSaved(t, ctx)
	do(t, ctx, chromedp.Evaluate(`localStorage.getItem("mopscert:pending:`+id+`") || ""`, &stored))
	if stored != "" {
		t.Errorf("the queue still holds %q after the answer was saved", stored)
	}
}

func savedAnswers(t *testing.T, m *Main, attemptID string) int {
	t.Helper()
	var n int
	if err := m.db.R.QueryRow(`SELECT count(*) FROM answers WHERE attempt_id = ?`, attemptID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
