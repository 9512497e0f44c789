package defaultbank

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"

	"gopkg.in/yaml.v3"

	"github.com/mopscert/mopscert/bank"
)

// translationFile is <tier>/<lang>/<area>.yaml: the wording of items of the
// English files in another language, matched by id. It carries no key, so a
// translator cannot change which answer is right.
type translationFile struct {
	Translations []struct {
		ID           string `yaml:"id"`
		bank.Variant `yaml:",inline"`
	} `yaml:"translations"`
}

// mergeTranslations reads every <tier>/<lang>/*.yaml and sets the variants
// on items. A translation of an id the bank does not have, of an id given
// twice, or with another number of options than the item is an error: the
// shipped bank must not carry a variant that asks a different question.
func mergeTranslations(fsys fs.FS, items []bank.Item) error {
	byID := make(map[string]int, len(items))
	for i, it := range items {
		byID[it.ID] = i
	}
	names, err := fs.Glob(fsys, "*/*/*.yaml")
	if err != nil {
		return err
	}
	sort.Strings(names)
	var errs []error
	for _, n := range names {
		lang := path.Base(path.Dir(n))
		if !bank.ValidVariantLanguage(lang) {
			errs = append(errs, fmt.Errorf("default bank %s: %q is not a translation language", n, lang))
			continue
		}
		data, err := fs.ReadFile(fsys, n)
		if err != nil {
			return err
		}
		var tf translationFile
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&tf); err != nil && !errors.Is(err, io.EOF) {
			errs = append(errs, fmt.Errorf("default bank %s: %w", n, err))
			continue
		}
		for _, tr := range tf.Translations {
			i, ok := byID[tr.ID]
			if !ok {
				errs = append(errs, fmt.Errorf("default bank %s: translation of unknown item %q", n, tr.ID))
				continue
			}
			it := &items[i]
			if _, dup := it.Translations[lang]; dup {
				errs = append(errs, fmt.Errorf("default bank %s: item %s is translated to %s twice", n, tr.ID, lang))
				continue
			}
			if len(tr.Options) != len(it.Options) {
				errs = append(errs, fmt.Errorf("default bank %s: item %s has %d options, its %s translation %d",
					n, tr.ID, len(it.Options), lang, len(tr.Options)))
				continue
			}
			if it.Translations == nil {
				it.Translations = map[string]bank.Variant{}
			}
			it.Translations[lang] = tr.Variant
		}
	}
	return errors.Join(errs...)
}
