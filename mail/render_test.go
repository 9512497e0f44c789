package mail_test

import (
	"strings"
	"testing"

	"github.com/mopscert/mopscert/mail"
)

// TestEveryKindRenders: each kind has a subject, text and HTML, and the
// HTML escapes what a user typed (names are user input).
func TestEveryKindRenders(t *testing.T) {
	r, err := mail.NewRenderer("https://cert.example.org/")
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range mail.Kinds {
		t.Run(kind, func(t *testing.T) {
			got, err := r.Render(&mail.Message{Kind: kind, Language: "en", To: "a@example.com", Args: mail.Args{
				"name": "<b>Ada</b>", "path": "/x", "pdf_path": "/p", "verify_path": "/v", "tier_name": "Foundation",
			}})
			if err != nil {
				t.Fatal(err)
			}
			if got.Subject == "" || got.Text == "" || !strings.Contains(got.HTML, "&lt;b&gt;Ada&lt;/b&gt;") {
				t.Errorf("subject %q, text %q, html %q", got.Subject, got.Text, got.HTML)
			}
			if strings.Contains(got.Text+got.HTML, "no value") {
				t.Errorf("a missing argument shows as <no value>")
			}
		})
	}
	if _, err := r.Render(&mail.Message{Kind: "nonsense", Language: "en"}); err == nil {
		t.Error("an unknown kind rendered")
	}
}
