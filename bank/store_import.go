package bank

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// itemIDs reads every item id.
func itemIDs(ctx context.Context, tx *sql.Tx) (map[string]bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM items`)
	if err != nil {
		return nil, fmt.Errorf("read item ids: %w", err)
	}
	defer rows.Close()
	ids := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids[id] = true
	}
	return ids, rows.Err()
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
	Progress func(done, total int) // called now and then during a long import
}

// Import stores parsed items in one transaction: all of them or none. A new
// id is created; an existing id gets a new version when its content differs
// and is left alone when it is the same, so importing a file twice changes
// nothing. Errors name the line of the item that caused them.
func (s *Store) Import(ctx context.Context, parsed []Parsed, opt ImportOptions) (ImportResult, error) {
	var res ImportResult
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
	// A dry run reads one snapshot on the read pool and never takes the
	// writer, so checking a large file cannot hold up autosaves.
	run := s.db.Update
	if opt.DryRun {
		run = s.db.View
	}
	err := run(ctx, func(tx *sql.Tx) error {
		var err error
		res, err = s.importTx(ctx, tx, parsed, opt)
		return err
	})
	if err != nil {
		return ImportResult{}, err
	}
	if res.Items == nil {
		res.Items = []string{}
	}
	return res, nil
}

// importTx plans the import inside tx and, unless it is a dry run, writes
// it. A dry run runs in a read-only transaction and writes nothing.
func (s *Store) importTx(ctx context.Context, tx *sql.Tx, parsed []Parsed, opt ImportOptions) (ImportResult, error) {
	var res ImportResult
	var errs lineErrors
	now := s.clock.Now()
	// One read of the ids instead of a lookup per item: a 10,000-item
	// import into an empty bank then only inserts.
	existing, err := itemIDs(ctx, tx)
	if err != nil {
		return res, err
	}
	for i := range parsed {
		if opt.Progress != nil && (i%100 == 99 || i == len(parsed)-1) {
			opt.Progress(i+1, len(parsed))
		}
		it := parsed[i].Item
		if it.ID == "" {
			it.ID = freeIDIn(existing, Slug(firstWords(it.Stem, 6)))
		}
		if !existing[it.ID] {
			existing[it.ID] = true
			if !opt.DryRun {
				if err := insertItem(ctx, tx, &it, now, opt.Actor); err != nil {
					return res, err
				}
			}
			res.Imported++
			res.Items = append(res.Items, it.ID)
			continue
		}
		cur, err := findItem(ctx, tx, it.ID, 0)
		switch {
		case err != nil:
			return res, err
		case sameContent(cur, &it):
			res.Unchanged++
			continue
		case cur.Status == Void:
			errs.add(parsed[i].Line, "item %s is void and cannot be changed", it.ID)
			continue
		case !opt.DryRun:
			if err := updateItem(ctx, tx, cur, &it, now, opt.Actor); err != nil {
				return res, err
			}
		}
		res.Imported++
		res.Items = append(res.Items, it.ID)
	}
	if err := errs.err(); err != nil {
		return res, err
	}
	return res, nil
}

func sameContent(a, b *Item) bool {
	ta, tb := append([]string(nil), a.Tiers...), append([]string(nil), b.Tiers...)
	sort.Strings(ta)
	sort.Strings(tb)
	oa, _ := json.Marshal(a.Options)
	ob, _ := json.Marshal(b.Options)
	return a.Domain == b.Domain && strings.Join(ta, ",") == strings.Join(tb, ",") && a.Topic == b.Topic &&
		a.Type == b.Type && a.Stem == b.Stem && string(oa) == string(ob) && a.Rationale == b.Rationale &&
		a.Source == b.Source
}
