package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/mopscert/mopscert/bank"
	"github.com/mopscert/mopscert/exam"
)

// errAuditFailed makes run exit 1 without another message: the report says
// what is wrong.
var errAuditFailed = fmt.Errorf("audit found errors: %w", errLintFailed)

// cmdBankAudit runs the test-wiseness audit over the database's bank (with
// its tiers) or over a bank file (with the default tiers), and exits 1 when
// a finding is an error.
func cmdBankAudit(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) error {
	_, fs := dbFlag("mopscert bank audit", &cfg, stderr)
	tier := fs.String("tier", "", "audit only this tier")
	format := fs.String("format", "text", "text or json")
	file := fs.String("file", "", "audit this bank file (yaml, gift or aiken) with the default tiers instead of the database")
	forms := fs.Int("forms", 5000, "blueprint forms to simulate per tier")
	seed := fs.Uint64("seed", 1, "seed of the form simulation")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return usageError{fmt.Sprintf("format %q: use text or json", *format)}
	}
	var items []*bank.Item
	var tiers []exam.Tier
	if *file != "" {
		data, err := os.ReadFile(*file)
		if err != nil {
			return err
		}
		parsed, _, err := bank.Parse(formatOf("", *file), data, bank.ParseOptions{})
		if err != nil {
			return fmt.Errorf("%s: %w", *file, err)
		}
		for i := range parsed {
			it := parsed[i].Item
			it.Normalize()
			items = append(items, &it)
		}
		tiers = exam.DefaultTiers()
	} else {
		m := NewMain(cfg, stdout, io.Discard)
		if err := m.open(ctx); err != nil {
			return err
		}
		defer m.Close()
		var err error
		if items, err = m.bank.AllItems(ctx); err != nil {
			return err
		}
		if tiers, err = m.exams.Tiers(ctx, ""); err != nil {
			return err
		}
	}
	r := bank.Audit(items, bank.AuditOptions{Tiers: exam.AuditForms(tiers), Only: *tier, Forms: *forms, Seed: *seed})
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			return err
		}
	} else {
		writeAuditText(stdout, r, len(items))
	}
	if r.Errors() > 0 {
		return errAuditFailed
	}
	return nil
}

func writeAuditText(w io.Writer, r *bank.AuditReport, n int) {
	fmt.Fprintf(w, "%-14s %6s %9s %8s %12s %11s\n", "tier", "items", "guesser%", "chance%", "guesser-pass", "chance-pass")
	for _, t := range r.Tiers {
		gp, cp := "n/a", "n/a"
		if t.GuesserPass >= 0 {
			gp, cp = fmt.Sprintf("%.1f%%", 100*t.GuesserPass), fmt.Sprintf("%.3f%%", 100*t.ChancePass)
		}
		fmt.Fprintf(w, "%-14s %6d %9.1f %8.1f %12s %11s\n", t.Tier, t.Items, t.GuesserScore, t.ChanceScore, gp, cp)
	}
	fmt.Fprintln(w)
	counts := r.CountByRule()
	rules := make([]string, 0, len(counts))
	for k := range counts {
		rules = append(rules, k)
	}
	sort.Strings(rules)
	for _, k := range rules {
		fmt.Fprintf(w, "%-28s %d\n", k, counts[k])
	}
	fmt.Fprintln(w)
	for _, f := range r.Findings {
		where := f.ItemID
		if where == "" {
			where = "tier " + f.Tier
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s", where, f.Severity, f.Rule, f.Message)
		if f.Group != "" {
			fmt.Fprintf(w, " [group %s]", f.Group)
		}
		if f.Evidence != "" {
			fmt.Fprintf(w, " (%s)", f.Evidence)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "%d items, %d errors, %d findings\n", n, r.Errors(), len(r.Findings))
}
