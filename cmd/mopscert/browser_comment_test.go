package main

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserCommentBox: the candidate opens "Comment on this question",
// types, saves with Ctrl+Enter from the keyboard; the comment follows its
// question when moving away and back, and the API holds it.
func TestBrowserCommentBox(t *testing.T) {
	ctx := browser(t)
	m := startMain(t, "", func(c *Config) { c.SweepEvery = 200 * time.Millisecond })
	base := m.URL()
	registerInBrowser(t, ctx, base, "Kim Commenter", "kim@example.com")
	id := startExam(t, ctx, "foundation")
	do(t, ctx,
		chromedp.WaitVisible(`#q-heading`, chromedp.ByQuery),
		chromedp.Focus(`#comment-box summary`, chromedp.ByQuery),
		chromedp.KeyEvent("\r"), // opens the details
		chromedp.WaitVisible(`#comment-text`, chromedp.ByQuery),
		chromedp.SendKeys(`#comment-text`, "Options B and C mean the same.", chromedp.ByQuery),
		chromedp.KeyEvent("\r", chromedp.KeyModifiers(2)), // Ctrl+Enter saves
		chromedp.Poll(`document.getElementById("comment-state").textContent === "Comment saved."`, nil,
			chromedp.WithPollingTimeout(15*time.Second)),
		chromedp.Click(`#next`, chromedp.ByQuery),
		chromedp.Poll(`document.getElementById("comment-text").value === ""`, nil, chromedp.WithPollingTimeout(5*time.Second)),
		chromedp.Click(`#prev`, chromedp.ByQuery),
		chromedp.Poll(`document.getElementById("comment-text").value === "Options B and C mean the same."`, nil,
			chromedp.WithPollingTimeout(5*time.Second)),
	)
	var got struct {
		Comments []struct {
			QuestionID string `json:"question_id"`
			Text       string
		}
	}
	getJSON(t, ctx, base+"/api/v1/attempts/"+id+"/comments", &got)
	if len(got.Comments) != 1 || got.Comments[0].Text != "Options B and C mean the same." {
		t.Fatalf("comments = %+v", got.Comments)
	}
}
