package bank

import (
	"strings"
	"testing"
)

// TestFrameworkFile checks the shipped framework itself.
func TestFrameworkFile(t *testing.T) {
	fw, err := ParseFramework(competenciesYAML)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(fw.Tiers(), ","), "foundation,leader,practitioner"; got != want {
		t.Errorf("tiers = %s, want %s", got, want)
	}
	for _, tier := range fw.Tiers() {
		sum := 0
		for _, w := range fw.Weights(tier) {
			sum += w
		}
		if sum != 100 {
			t.Errorf("tier %s: weights add up to %d", tier, sum)
		}
	}
	codes := map[string]bool{}
	for _, a := range fw.Areas {
		if !a.Domain.Valid() {
			t.Errorf("area %s: domain %q", a.Code, a.Domain)
		}
		if codes[a.Code] {
			t.Errorf("area code %s repeated", a.Code)
		}
		codes[a.Code] = true
		for _, c := range a.Competencies {
			if codes[c.Code] {
				t.Errorf("code %s repeated", c.Code)
			}
			codes[c.Code] = true
			if len(c.Tasks) == 0 || len(c.Knowledge) == 0 || c.Title == "" {
				t.Errorf("competency %s needs a title, tasks and knowledge", c.Code)
			}
		}
	}
	// Every domain has areas, or a blueprint could not be met from them.
	for _, d := range Domains {
		if len(fw.AreasIn(d)) == 0 {
			t.Errorf("domain %s has no areas", d)
		}
	}
	c, ok := fw.Competency("lifecycle.scoring")
	if !ok || c.Area != "lifecycle" {
		t.Fatalf("lifecycle.scoring = %+v, %v", c, ok)
	}
	if a, ok := fw.AreaOf("deliver.auth"); !ok || a.Domain != Tools {
		t.Errorf("deliver.auth area = %+v", a)
	}
	if _, ok := fw.Competency("lifecycle"); ok {
		t.Error("an area code found as a competency")
	}
}

func TestParseFrameworkErrors(t *testing.T) {
	area := func(code, domain, weights, comp string) string {
		return "  - code: " + code + "\n    domain: " + domain + "\n    title: T\n    weights: " + weights +
			"\n    competencies:\n      - code: " + comp + "\n        title: C\n"
	}
	for name, tc := range map[string]struct{ yaml, want string }{
		"OK":             {"areas:\n" + area("a", "tools", "{x: 60}", "a.one") + area("b", "concepts", "{x: 40}", "b.one"), ""},
		"ErrSum":         {"areas:\n" + area("a", "tools", "{x: 60}", "a.one") + area("b", "concepts", "{x: 30}", "b.one"), "add up to 90"},
		"ErrMissingTier": {"areas:\n" + area("a", "tools", "{x: 100, y: 100}", "a.one") + area("b", "concepts", "{x: 0}", "b.one"), "no weight for tier y"},
		"ErrDomain":      {"areas:\n" + area("a", "people", "{x: 100}", "a.one"), "not a domain"},
		"ErrDupArea":     {"areas:\n" + area("a", "tools", "{x: 50}", "a.one") + area("a", "tools", "{x: 50}", "a.two"), "empty or repeated"},
		"ErrDupCode":     {"areas:\n" + area("a", "tools", "{x: 50}", "a.one") + area("b", "tools", "{x: 50}", "a.one"), "empty or repeated"},
		"ErrPrefix":      {"areas:\n" + area("a", "tools", "{x: 100}", "b.one"), "start with its area code"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseFramework([]byte(tc.yaml))
			switch {
			case tc.want == "" && err != nil:
				t.Fatal(err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestSyllabus(t *testing.T) {
	fw := Competencies()
	for _, tier := range fw.Tiers() {
		s := fw.Syllabus(tier)
		sum := 0
		for i, a := range s {
			sum += a.Weight
			if i > 0 && a.Weight > s[i-1].Weight {
				t.Errorf("%s: %s (%d) after %s (%d): not heaviest first", tier, a.Code, a.Weight, s[i-1].Code, s[i-1].Weight)
			}
			if len(a.Competencies) == 0 {
				t.Errorf("%s: area %s without competencies", tier, a.Code)
			}
		}
		if sum != 100 {
			t.Errorf("%s: syllabus weights add up to %d", tier, sum)
		}
	}
	if s := fw.Syllabus("nope"); len(s) != 0 {
		t.Errorf("unknown tier has a syllabus: %+v", s)
	}
}

func TestLintCompetency(t *testing.T) {
	for name, tc := range map[string]struct {
		status     Status
		competency string
		domain     Domain
		strict     bool
		rule       string
		sev        Severity
	}{
		"OK":                   {Active, "lifecycle.scoring", Concepts, true, "", ""},
		"MissingDraft":         {Draft, "", Concepts, false, RuleCompetencyMissing, SeverityWarning},
		"MissingActiveLenient": {Active, "", Concepts, false, "", ""},
		"MissingActiveStrict":  {Active, "", Concepts, true, RuleCompetencyMissing, SeverityError},
		"MissingRetiredStrict": {Retired, "", Concepts, true, "", ""},
		"UnknownDraft":         {Draft, "lifecycle.nope", Concepts, false, RuleCompetencyUnknown, SeverityWarning},
		"UnknownActive":        {Active, "lifecycle.nope", Concepts, false, RuleCompetencyUnknown, SeverityError},
		"DomainActive":         {Active, "deliver.auth", Concepts, false, RuleCompetencyDomain, SeverityError},
		"DomainReview":         {Review, "deliver.auth", Concepts, false, RuleCompetencyDomain, SeverityWarning},
	} {
		t.Run(name, func(t *testing.T) {
			it := lintItem()
			it.Status, it.Competency, it.Domain = tc.status, tc.competency, tc.domain
			l := NewLinter(nil)
			l.Strict = tc.strict
			var got []Finding
			for _, f := range l.Item(it) {
				if strings.HasPrefix(f.Rule, "competency_") {
					got = append(got, f)
				}
			}
			if tc.rule == "" {
				if len(got) != 0 {
					t.Fatalf("findings %+v, want none", got)
				}
				return
			}
			if len(got) != 1 || got[0].Rule != tc.rule || got[0].Severity != tc.sev || got[0].Field != "competency" {
				t.Fatalf("findings %+v, want one %s %s", got, tc.sev, tc.rule)
			}
		})
	}
}
