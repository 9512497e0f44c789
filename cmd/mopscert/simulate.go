package main

import (
	"context"
	"fmt"
	"io"
	"time"

	defaultbank "github.com/mopscert/mopscert/bank/default"
	"github.com/mopscert/mopscert/exam/simulate"
)

// cmdSimulate sits synthetic candidates through a tier's exam in process
// (the real exam service: start, autosave, submit) and prints the tier's
// statistics. Candidates are users with @synthetic.invalid addresses;
// prerequisites are bypassed by issuing them the prerequisite tier's
// certificate. A database holding real candidates is refused unless
// --allow-real.
func cmdSimulate(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) error {
	_, fs := dbFlag("mopscert simulate", &cfg, stderr)
	tier := fs.String("tier", "", "tier code to simulate (required)")
	n := fs.Int("candidates", 100, "number of synthetic candidates")
	seed := fs.Uint64("seed", 1, "random seed: the same seed and bank give the same responses")
	allowReal := fs.Bool("allow-real", false, "write into a database that holds real candidates")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *tier == "" || *n < 1 {
		return usageError{"simulate needs --tier and --candidates ≥ 1"}
	}
	m := NewMain(cfg, stdout, stderr)
	defer m.close()
	if err := m.open(ctx); err != nil {
		return err
	}
	if err := m.exams.EnsureDefaultTiers(ctx); err != nil {
		return err
	}
	if empty, err := m.bank.Empty(ctx); err != nil {
		return err
	} else if empty && cfg.DefaultBank {
		if _, err := defaultbank.Load(ctx, m.bank); err != nil {
			return fmt.Errorf("load the default bank: %w", err)
		}
	}
	r := &simulate.Runner{DB: m.db, Exams: m.exams, Items: m.bank, Certs: m.certs, Seed: *seed, AllowReal: *allowReal}
	start := time.Now()
	sum, err := r.Run(ctx, *tier, *n)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d synthetic candidates sat %s in %s: %d passed\n", sum.Candidates, *tier, time.Since(start).Round(time.Millisecond), sum.Passed)
	ts, err := m.exams.TierStats(ctx, *tier, time.Time{})
	if err != nil {
		return err
	}
	flagged := 0
	for _, it := range ts.Items {
		if len(it.Flags) > 0 {
			flagged++
		}
	}
	if a := ts.Test.Alpha; a != nil {
		fmt.Fprintf(stdout, "alpha %.3f, SEM %.1f points; ", *a, *ts.Test.SEMPercent)
	}
	fmt.Fprintf(stdout, "%d items analysed, %d flagged (see /admin/stats?tier=%s)\n", len(ts.Items), flagged, *tier)
	return nil
}
