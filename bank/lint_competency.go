package bank

import "github.com/mopscert/mopscert/apperr"

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
	f := func(rule string, sev Severity, m apperr.Msg) []Finding {
		return []Finding{finding(rule, sev, "competency", m)}
	}
	if it.Competency == "" {
		switch {
		case it.Status == Draft || it.Status == Review:
			return f(RuleCompetencyMissing, SeverityWarning, codeLintCompetencyDraft.Msg("Missing. Name the competency from the framework (docs/competencies.md) this item tests, e.g. “lifecycle.scoring”."))
		case strict && it.Status == Active:
			return f(RuleCompetencyMissing, SeverityError, codeLintCompetencyActive.Msg("Missing. An active item must name the competency it tests (docs/competencies.md)."))
		}
		return nil
	}
	fw := Competencies()
	a, ok := fw.AreaOf(it.Competency)
	if !ok {
		return f(RuleCompetencyUnknown, sev, codeLintCompetencyNone.Msg("“%s” is not a competency of the framework (docs/competencies.md).", it.Competency))
	}
	if a.Domain != it.Domain {
		return f(RuleCompetencyDomain, sev, codeLintCompetencyDomain.Msg("“%s” belongs to the area “%s” in the domain %s, but the item is in %s. Change one of them.",
			it.Competency, a.Title, string(a.Domain), string(it.Domain)))
	}
	return nil
}
