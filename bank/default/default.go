// Package defaultbank embeds the question bank mopscert ships with, written
// from the background articles in shared/seeds: one YAML file per tier in the
// native bank format (docs/bank-format.md).
package defaultbank

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"

	"github.com/mopscert/mopscert/bank"
)

//go:embed *.yaml
var files embed.FS

// Items returns every shipped item, file by file in name order.
func Items() ([]bank.Item, error) {
	names, err := fs.Glob(files, "*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []bank.Item
	for _, n := range names {
		data, err := files.ReadFile(n)
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
	return out, nil
}
