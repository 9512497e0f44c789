package bank

import (
	"sort"
	"testing"
)

// TestAuditGermanVariant: the German word lists find the cue planted in one
// German variant (whose English is clean), and nothing on the clean
// controls in either language. The planted giveaway also blocks activation.
func TestAuditGermanVariant(t *testing.T) {
	items := loadFixture(t, "audit_de.yaml")
	r := Audit(items, AuditOptions{Forms: 50})
	got := map[string][]string{}
	for _, f := range r.Findings {
		if f.ItemID == "" {
			continue // tier-level figures of a three-item fixture
		}
		got[f.ItemID+"/"+f.Language] = append(got[f.ItemID+"/"+f.Language], f.Rule)
	}
	for k := range got {
		sort.Strings(got[k])
	}
	planted := got["audit-de-planted/de"]
	want := map[string]bool{AuditKeyGiveaway: true, AuditAbsolutes: true}
	n := 0
	for _, rule := range planted {
		if want[rule] {
			n++
		}
	}
	if n != len(want) {
		t.Errorf("planted German cue: rules %v, want %v among them", planted, want)
	}
	delete(got, "audit-de-planted/de")
	for k, rules := range got {
		t.Errorf("%s: unexpected findings %v", k, rules)
	}

	errs := ItemAuditErrors(items[0])
	if len(errs) != 1 || errs[0].Language != "de" || errs[0].Rule != AuditKeyGiveaway {
		t.Errorf("activation errors %+v", errs)
	}
	if errs := ItemAuditErrors(items[1]); len(errs) != 0 {
		t.Errorf("clean item blocked: %+v", errs)
	}
}

// The German lexicon reads German cues and leaves English ones alone.
func TestGermanLexicon(t *testing.T) {
	tests := []struct {
		text              string
		absolute          string
		hedged, processed bool
	}{
		{"Niemals ohne Freigabe senden", "niemals", false, true},
		{"In der Regel die Verantwortliche fragen", "", true, true},
		{"So schnell wie möglich löschen", "sofort", false, false},
		{"Always send it", "", false, false},
		{"Üblicherweise, sofern vereinbart", "", true, true},
	}
	for _, tc := range tests {
		c := germanLexicon.readOption(tc.text, nil)
		if c.absolute != tc.absolute || (c.hedges > 0) != tc.hedged || (c.process > 0) != tc.processed {
			t.Errorf("%q: absolute %q hedges %d process %d", tc.text, c.absolute, c.hedges, c.process)
		}
	}
}

// A decimal comma ("12,5 %") or a time ("10:30") is part of a number, not a
// clause mark that makes an option look more qualified.
func TestNumberSeparatorsAreNotClauses(t *testing.T) {
	tests := []struct {
		text string
		want int
	}{
		{"12,5 % des Gewichts", 0},
		{"34,000 records", 0},
		{"Tuesday 10:30", 0},
		{"Pause, then resume", 1},
		{"Europe, 12,5 %", 1},
	}
	for _, tc := range tests {
		if got := readOption(tc.text, nil).punct; got != tc.want {
			t.Errorf("%q: %d clause marks, want %d", tc.text, got, tc.want)
		}
	}
}
