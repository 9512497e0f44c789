// Package defaultbank embeds the question bank mopscert ships with, written
// from the competency framework (bank/competencies.yaml), public laws and
// standards and the background articles in shared/seeds: one folder per tier,
// one YAML file per competency area, in the
// native bank format (docs/bank-format.md). Translations sit beside the
// English in <tier>/<lang>/<area>.yaml (see translations.go).
package defaultbank

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"

	"github.com/mopscert/mopscert/bank"
)

// The tier folders are named rather than globbed so that an optional
// <tier>/de/ folder is embedded when present and its absence is no error.
//
//go:embed foundation practitioner leader
var files embed.FS

// Items returns every shipped item, file by file in name order, with the
// translations of the <tier>/<lang>/ folders merged in.
func Items() ([]bank.Item, error) { return itemsFrom(files) }

func itemsFrom(fsys fs.FS) ([]bank.Item, error) {
	names, err := fs.Glob(fsys, "*/*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []bank.Item
	for _, n := range names {
		data, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		parsed, err := bank.ParseYAML(data, bank.ParseOptions{})
		if err != nil {
			return nil, fmt.Errorf("default bank %s: %w", n, err)
		}
		for _, p := range parsed {
			out = append(out, p.Item)
		}
	}
	if err := mergeTranslations(fsys, out); err != nil {
		return nil, err
	}
	return out, nil
}

// Load imports the shipped items into s (all or nothing, like any import).
func Load(ctx context.Context, s *bank.Store) (bank.ImportResult, error) {
	items, err := Items()
	if err != nil {
		return bank.ImportResult{}, err
	}
	parsed := make([]bank.Parsed, len(items))
	for i, it := range items {
		parsed[i] = bank.Parsed{Item: it, Line: i + 1}
	}
	return s.Import(ctx, parsed, bank.ImportOptions{Actor: "mopscert"})
}
