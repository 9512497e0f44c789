package bank

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/mopscert/mopscert/apperr"
)

// itemIDs reads every item id: the visible ones, and all of them with the
// ones a running import holds hidden (an id this import must not pick).
func itemIDs(ctx context.Context, tx *sql.Tx) (visible, taken map[string]bool, err error) {
	rows, err := tx.QueryContext(ctx, `SELECT i.id, `+visibleItem+` FROM items i`)
	if err != nil {
		return nil, nil, fmt.Errorf("read item ids: %w", err)
	}
	defer rows.Close()
	visible, taken = map[string]bool{}, map[string]bool{}
	for rows.Next() {
		var id string
		var vis bool
		if err := rows.Scan(&id, &vis); err != nil {
			return nil, nil, err
		}
		visible[id], taken[id] = vis, true
	}
	return visible, taken, rows.Err()
}

// idBase is what an id is made from when a slug is too short to be one.
func idBase(slug string) string {
	if len(slug) < 2 {
		return "item"
	}
	return slug
}

// freeIDIn returns base, or base-2, base-3… whichever is not in taken.
func freeIDIn(taken map[string]bool, base string) string {
	base = idBase(base)
	id := base
	for n := 2; taken[id]; n++ {
		id = base + "-" + strconv.Itoa(n)
	}
	return id
}

// ImportResult says what an import did.
type ImportResult struct {
	Imported  int      `json:"imported"`
	Items     []string `json:"items"`
	Unchanged int      `json:"unchanged"`
}

// ImportOptions tune an import.
type ImportOptions struct {
	Actor    string
	DryRun   bool                  // check and report, store nothing
	Progress func(done, total int) // called now and then during a long import, never inside a transaction
}

// Import stores parsed items: all of them or none. A new id is created; an
// existing id gets a new version when its content differs and is left alone
// when it is the same, so importing a file twice changes nothing. Errors name
// the line of the item that caused them.
//
// The writer is never held for long, so autosaves go on during a large
// import: the plan (ids, unchanged detection, void items) is read from one
// snapshot on the read pool, the rows are staged in short chunks into
// import_staging, and one short transaction publishes them. If another
// change created or edited one of the import's items meanwhile, the publish
// fails with ErrImportConflict and nothing is imported.
func (s *Store) Import(ctx context.Context, parsed []Parsed, opt ImportOptions) (ImportResult, error) {
	var errs lineErrors
	for i := range parsed {
		p := &parsed[i]
		p.Item.Normalize()
		if err := p.Item.Validate(); err != nil {
			errs.add(p.Line, "%s", err.Error())
		} else if err := s.checkActivation(&p.Item); err != nil {
			errs.add(p.Line, "%s", err.Error())
		}
	}
	if err := errs.err(); err != nil {
		return ImportResult{}, err
	}
	var res ImportResult
	var rows []stagedRow
	err := s.db.View(ctx, func(tx *sql.Tx) error {
		var err error
		res, rows, err = s.planImport(ctx, tx, parsed, opt)
		return err
	})
	if err != nil {
		return ImportResult{}, err
	}
	if res.Items == nil {
		res.Items = []string{}
	}
	if opt.DryRun || len(rows) == 0 {
		return res, nil
	}
	if err := s.stageAndPublish(ctx, rows, len(parsed), opt); err != nil {
		return ImportResult{}, err
	}
	return res, nil
}

// stagedRow is one item version an import will store, fully formed.
type stagedRow struct {
	it    Item
	base  int  // 0 new item, n > 0 edit of stored version n, -1 a later version of an item staged before
	last  bool // the version the item row will point at
	fresh bool // the item is new: written hidden, not staged
	done  int  // how many parsed items are planned up to this one (for Progress)
}

// planned is what an import has decided about one id so far.
type planned struct {
	it     *Item
	staged int  // index in rows of its newest staged version, -1 if none
	fresh  bool // created by this import
}

// planImport decides, on the snapshot tx, what the import stores: which ids
// are new, which items get a new version and which are unchanged. It writes
// nothing.
func (s *Store) planImport(ctx context.Context, tx *sql.Tx, parsed []Parsed, opt ImportOptions) (ImportResult, []stagedRow, error) {
	var res ImportResult
	var errs lineErrors
	var rows []stagedRow
	now := s.clock.Now()
	// One read of the ids instead of a lookup per item: a 10,000-item
	// import into an empty bank then reads nothing else.
	existing, taken, err := itemIDs(ctx, tx)
	if err != nil {
		return res, nil, err
	}
	seen := map[string]*planned{}
	for i := range parsed {
		if opt.DryRun && opt.Progress != nil && (i%100 == 99 || i == len(parsed)-1) {
			opt.Progress(i+1, len(parsed))
		}
		it := parsed[i].Item
		if it.ID == "" {
			it.ID = freeIDIn(taken, Slug(firstWords(it.Stem, 6)))
		}
		prev := seen[it.ID]
		if prev == nil && existing[it.ID] {
			cur, err := findItem(ctx, tx, it.ID, 0)
			if err != nil {
				return res, nil, err
			}
			prev = &planned{it: cur, staged: -1}
			seen[it.ID] = prev
		}
		if prev != nil && it.Translations == nil && len(prev.it.Translations) > 0 {
			// GIFT and Aiken cannot carry translations: an English import
			// keeps the stored ones while they still fit, never drops them
			// silently.
			if msg := keepVariants(prev.it, &it); msg != "" {
				errs.add(parsed[i].Line, "item %s: %s", it.ID, msg)
				continue
			}
		}
		switch {
		case prev == nil: // a new item
			// An id another import holds hidden is refused when this one
			// writes it (ErrImportConflict).
			existing[it.ID], taken[it.ID] = true, true
			it.Version = 1
			if it.CreatedAt.IsZero() {
				it.CreatedAt = now
			}
			it.UpdatedAt = now
			if it.Author == "" {
				it.Author = opt.Actor
			}
			rows = append(rows, stagedRow{it: it, base: 0, fresh: true, done: i + 1})
		case sameContent(prev.it, &it):
			res.Unchanged++
			continue
		case prev.it.Status == Void:
			errs.addMsg(parsed[i].Line, codeImportVoid.Msg("item %s is void and cannot be changed", it.ID))
			continue
		default: // a new version of an item stored or staged before
			base := prev.it.Version
			if prev.staged >= 0 {
				base = -1
				rows[prev.staged].last = false
			}
			it.Version = prev.it.Version + 1
			it.Status = prev.it.Status
			it.CreatedAt = prev.it.CreatedAt
			it.UpdatedAt = now
			if it.Author == "" {
				it.Author = prev.it.Author
			}
			rows = append(rows, stagedRow{it: it, base: base, fresh: prev.fresh, done: i + 1})
		}
		rows[len(rows)-1].last = true
		// &it: this iteration's own copy.
		seen[it.ID] = &planned{it: &it, staged: len(rows) - 1, fresh: rows[len(rows)-1].fresh}
		res.Imported++
		res.Items = append(res.Items, it.ID)
	}
	if err := errs.err(); err != nil {
		return res, nil, err
	}
	return res, rows, nil
}

// keepVariants gives it the variants of prev, its stored version; msg says
// why they no longer fit the new English.
func keepVariants(prev, it *Item) string {
	it.Translations = prev.Translations
	err := it.Validate()
	ae, _ := apperr.As(err)
	if err == nil || ae == nil {
		return ""
	}
	for f, m := range ae.Fields {
		if strings.HasPrefix(f, "translations.") {
			return fmt.Sprintf("the stored translation no longer fits the new English (%s: %s); import the translation again with the file's language, or edit it in the item editor", f, m)
		}
	}
	return ""
}

func sameContent(a, b *Item) bool {
	ta, tb := append([]string(nil), a.Tiers...), append([]string(nil), b.Tiers...)
	sort.Strings(ta)
	sort.Strings(tb)
	oa, _ := json.Marshal(a.Options)
	ob, _ := json.Marshal(b.Options)
	va, _ := json.Marshal(a.Translations) // map keys sorted: comparable text
	vb, _ := json.Marshal(b.Translations)
	return a.Domain == b.Domain && strings.Join(ta, ",") == strings.Join(tb, ",") && a.Topic == b.Topic &&
		a.Type == b.Type && a.Stem == b.Stem && string(oa) == string(ob) && a.Rationale == b.Rationale &&
		a.Source == b.Source && string(va) == string(vb)
}
