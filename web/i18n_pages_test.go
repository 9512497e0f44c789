package web

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// A German candidate's pages: dashboard, exam (with the script's wording
// as a JSON block), result and the public verification page.
func TestGermanCandidatePages(t *testing.T) {
	ts := newTestServer(t)
	tok := ts.candidate(t, "kandidatin@example.com")
	ts.call(t, "PATCH", "/api/v1/me", tok, map[string]string{"language": "de"})

	if body := string(ts.call(t, "GET", "/dashboard", tok, nil).body); !strings.Contains(body, "Prüfung MOps Foundation starten") ||
		!strings.Contains(body, "30 Fragen · 45 Minuten · Bestehensgrenze 70\u00a0%") {
		t.Errorf("German dashboard:\n%s", body)
	}
	a := ts.start(t, tok, "foundation")
	exam := string(ts.call(t, "GET", "/exam/"+a.ID, tok, nil).body)
	m := regexp.MustCompile(`(?s)<script type="application/json" id="exam-messages">(.*?)</script>`).FindStringSubmatch(exam)
	if m == nil {
		t.Fatalf("no message block on the exam page:\n%s", exam)
	}
	var msgs map[string]string
	if err := json.Unmarshal([]byte(m[1]), &msgs); err != nil {
		t.Fatalf("message block is not JSON: %v\n%s", err, m[1])
	}
	if msgs["question_of"] != "Frage {n} von {total}" || msgs["saved"] != "Alle Antworten gespeichert" {
		t.Errorf("exam script wording: %v", msgs)
	}
	if !strings.Contains(exam, "Überprüfen und abgeben") {
		t.Errorf("exam page not in German")
	}
	ts.call(t, "POST", "/api/v1/attempts/"+a.ID+"/submit", tok, nil)
	res := string(ts.call(t, "GET", "/exam/"+a.ID+"/result", tok, nil).body)
	if !strings.Contains(res, "Ihr Ergebnis: MOps Foundation") || !strings.Contains(res, "Diesmal nicht bestanden") ||
		!strings.Contains(res, `<strong id="score">0`) {
		t.Errorf("German result page:\n%s", res)
	}

	c := ts.pass(t, ts.candidate(t, "bestanden@example.com"))
	v := string(ts.call(t, "GET", "/verify?lang=de&id="+c.ID, "", nil).body)
	if !strings.Contains(v, "<h2 id=\"verdict-h\">Gültig</h2>") || !strings.Contains(v, "Das Zertifikat ist echt und gültig bis ") ||
		!strings.Contains(v, "<dt>Gültig bis</dt>") {
		t.Errorf("German verification page:\n%s", v)
	}
	if v := string(ts.call(t, "GET", "/verify?lang=de&id=MOPS-0000-0000-0000", "", nil).body); !strings.Contains(v, "Nicht gültig") ||
		!strings.Contains(v, "Kein Zertifikat hat diese Kennung") && !strings.Contains(v, "Mit dieser Kennung wurde kein Zertifikat") {
		t.Errorf("German invalid verdict:\n%s", v)
	}
}
