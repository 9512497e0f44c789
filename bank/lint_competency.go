package bank

// Rule ids for the competency framework.
const (
	RuleCompetencyMissing = "competency_missing" // see competencyFindings for when it is an error
	RuleCompetencyUnknown = "competency_unknown" // error on active items, warning otherwise
	RuleCompetencyDomain  = "competency_domain"  // error on active items, warning otherwise
)

// competencyFindings checks an item's competency against the framework.
//
// A missing competency is a warning on drafts and items in review, so that
// new writing carries one; on active items it is silent unless strict is
// on, because the shipped bank predates the framework and is being
// rewritten. With strict on it is an error on active items. A competency
// that does not exist, or belongs to another domain, is always wrong: an
// error when the item is active, a warning before.
func competencyFindings(it *Item, strict bool) []Finding {
	sev := SeverityWarning
	if it.Status == Active {
		sev = SeverityError
	}
	f := func(rule string, sev Severity, msg string) []Finding {
		return []Finding{{rule, sev, "competency", findingLabel("competency") + ": " + msg}}
	}
	if it.Competency == "" {
		switch {
		case it.Status == Draft || it.Status == Review:
			return f(RuleCompetencyMissing, SeverityWarning, "Missing. Name the competency from the framework (docs/competencies.md) this item tests, e.g. “lifecycle.scoring”.")
		case strict && it.Status == Active:
			return f(RuleCompetencyMissing, SeverityError, "Missing. An active item must name the competency it tests (docs/competencies.md).")
		}
		return nil
	}
	fw := Competencies()
	a, ok := fw.AreaOf(it.Competency)
	if !ok {
		return f(RuleCompetencyUnknown, sev, "“"+it.Competency+"” is not a competency of the framework (docs/competencies.md).")
	}
	if a.Domain != it.Domain {
		return f(RuleCompetencyDomain, sev, "“"+it.Competency+"” belongs to the area “"+a.Title+"” in the domain "+string(a.Domain)+", but the item is in "+string(it.Domain)+". Change one of them.")
	}
	return nil
}
