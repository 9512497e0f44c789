package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/mopscert/mopscert/bank"
	defaultbank "github.com/mopscert/mopscert/bank/default"
)

// cmdBankSample draws a seeded review sheet (docs/review-checks.md): the
// sheet goes to standard output for a reviewer who did not write the items,
// the key (which items, in which option order) to --key for scoring.
func cmdBankSample(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) error {
	_, fs := dbFlag("mopscert bank sample", &cfg, stderr)
	tier := fs.String("tier", "", "the tier to sample (required)")
	mode := fs.String("mode", string(bank.OptionsOnly), "options-only or outsider")
	n := fs.Int("n", 30, "questions on the sheet")
	seed := fs.Uint64("seed", 1, "seed of the draw")
	file := fs.String("file", "", "sample this bank file instead of the shipped bank")
	keyOut := fs.String("key", "", "write the sheet's key (JSON) to this file (required)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *tier == "" || *keyOut == "" {
		return usageError{"bank sample needs --tier and --key"}
	}
	items, err := sampleItems(*file)
	if err != nil {
		return err
	}
	sh, err := bank.DrawSheet(items, *tier, bank.SampleMode(*mode), *n, *seed)
	if err != nil {
		return err
	}
	key, err := json.MarshalIndent(sh, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(*keyOut, key, 0o600); err != nil {
		return err
	}
	return bank.WriteSheet(stdout, sh, byID(items))
}

// cmdBankSampleScore scores a reviewer's answers against a sheet's key.
func cmdBankSampleScore(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) error {
	_, fs := dbFlag("mopscert bank sample-score", &cfg, stderr)
	keyIn := fs.String("key", "", "the sheet's key written by bank sample (required)")
	answersIn := fs.String("answers", "", "the reviewer's answers, one `N: answer` line each (required)")
	file := fs.String("file", "", "the bank file the sheet was drawn from, if not the shipped bank")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *keyIn == "" || *answersIn == "" {
		return usageError{"bank sample-score needs --key and --answers"}
	}
	var sh bank.Sheet
	data, err := os.ReadFile(*keyIn)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, &sh); err != nil {
		return fmt.Errorf("%s: %w", *keyIn, err)
	}
	answers, err := os.ReadFile(*answersIn)
	if err != nil {
		return err
	}
	items, err := sampleItems(*file)
	if err != nil {
		return err
	}
	idx := byID(items)
	for _, si := range sh.Items {
		if idx[si.ItemID] == nil {
			return fmt.Errorf("item %s of the sheet is not in the bank", si.ItemID)
		}
	}
	sc, err := bank.ScoreSheet(&sh, idx, string(answers))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s, tier %s, seed %d: %.1f of %d right (%.1f %%), %d answered; chance %.1f %%\n",
		sh.Mode, sh.Tier, sh.Seed, sc.Correct, len(sh.Items), sc.Percent, sc.Answered, sc.Chance)
	return nil
}

func sampleItems(file string) ([]bank.Item, error) {
	if file == "" {
		return defaultbank.Items()
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	parsed, _, err := bank.Parse(formatOf("", file), data, bank.ParseOptions{})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	out := make([]bank.Item, len(parsed))
	for i := range parsed {
		out[i] = parsed[i].Item
		out[i].Normalize()
	}
	return out, nil
}

func byID(items []bank.Item) map[string]*bank.Item {
	m := make(map[string]*bank.Item, len(items))
	for i := range items {
		m[items[i].ID] = &items[i]
	}
	return m
}
