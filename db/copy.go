package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Moving an installation from its SQLite file to PostgreSQL. The copy is
// driven by the target's catalogue (tables, columns, keys), so a table added
// by a later migration is copied without touching this file.

// ErrTargetNotEmpty means migrate-data was pointed at a database that
// already holds data; it never merges.
var ErrTargetNotEmpty = errors.New("the target database is not empty")

// TableCount is one table's rows in the source and, after the copy, in the
// target.
type TableCount struct {
	Table          string
	Source, Target int64
}

type pgTable struct {
	name     string
	cols     []pgColumn
	pk       []string
	deps     map[string]bool // tables a NOT NULL foreign key points at
	deferred []string        // nullable foreign key columns, set in a second pass
	identity string          // an identity column whose sequence must move on
}

type pgColumn struct{ name, typ string }

// CopyAll copies every application table from a SQLite database into an
// empty PostgreSQL one in a single transaction, in foreign-key order, and
// compares the row counts before committing. Both must be migrated to the
// same version (Open does that).
func CopyAll(ctx context.Context, from, to *DB) ([]TableCount, error) {
	if from.dialect != SQLite || to.dialect != Postgres {
		return nil, errors.New("migrate-data copies a SQLite database into PostgreSQL")
	}
	tables, err := pgTables(ctx, to.W)
	if err != nil {
		return nil, err
	}
	for _, t := range tables {
		var n int64
		if err := to.W.QueryRowContext(ctx, `SELECT count(*) FROM `+t.name).Scan(&n); err != nil {
			return nil, fmt.Errorf("count %s in the target: %w", t.name, err)
		}
		if n > 0 && t.name != "health_probe" {
			return nil, fmt.Errorf("%w: %s has %d rows; migrate into a new, empty database", ErrTargetNotEmpty, t.name, n)
		}
	}
	order, err := copyOrder(tables)
	if err != nil {
		return nil, err
	}
	tx, err := to.W.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin copy: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // committed below on success
	// The source is read in one snapshot, so counts and rows agree.
	src, err := from.R.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("read source: %w", err)
	}
	defer src.Rollback() //nolint:errcheck // read only
	if _, err := tx.ExecContext(ctx, `DELETE FROM health_probe`); err != nil {
		return nil, err
	}
	for _, t := range order {
		if err := copyTable(ctx, src, tx, t); err != nil {
			return nil, err
		}
	}
	for _, t := range order {
		if err := copyDeferred(ctx, src, tx, t); err != nil {
			return nil, err
		}
		if t.identity != "" {
			if _, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence(?, ?), coalesce(max(`+t.identity+`), 0) + 1, false) FROM `+t.name,
				t.name, t.identity); err != nil {
				return nil, fmt.Errorf("move the %s sequence on: %w", t.name, err)
			}
		}
	}
	var counts []TableCount
	var bad []string
	for _, t := range order {
		c := TableCount{Table: t.name}
		if err := src.QueryRowContext(ctx, `SELECT count(*) FROM `+t.name).Scan(&c.Source); err != nil {
			return nil, fmt.Errorf("count %s in the source: %w", t.name, err)
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+t.name).Scan(&c.Target); err != nil {
			return nil, fmt.Errorf("count %s in the target: %w", t.name, err)
		}
		if c.Source != c.Target {
			bad = append(bad, fmt.Sprintf("%s: %d in the source, %d copied", t.name, c.Source, c.Target))
		}
		counts = append(counts, c)
	}
	if len(bad) > 0 {
		return counts, fmt.Errorf("row counts differ, nothing was committed: %s", strings.Join(bad, "; "))
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit copy: %w", err)
	}
	return counts, nil
}

// pgTables reads the application tables of the target from its catalogue.
func pgTables(ctx context.Context, conn *sql.DB) (map[string]*pgTable, error) {
	tables := map[string]*pgTable{}
	rows, err := conn.QueryContext(ctx, `SELECT table_name, column_name, data_type, is_nullable = 'YES', is_identity = 'YES'
		FROM information_schema.columns WHERE table_schema = current_schema() AND table_name != 'goose_db_version'
		ORDER BY table_name, ordinal_position`)
	if err != nil {
		return nil, fmt.Errorf("read target tables: %w", err)
	}
	nullable := map[string]bool{}
	for rows.Next() {
		var tn, cn, typ string
		var null, ident bool
		if err := rows.Scan(&tn, &cn, &typ, &null, &ident); err != nil {
			rows.Close()
			return nil, err
		}
		t := tables[tn]
		if t == nil {
			t = &pgTable{name: tn, deps: map[string]bool{}}
			tables[tn] = t
		}
		t.cols = append(t.cols, pgColumn{cn, typ})
		nullable[tn+"."+cn] = null
		if ident {
			t.identity = cn
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Foreign keys: conkey columns of the referencing table, confrelid the
	// referenced one.
	rows, err = conn.QueryContext(ctx, `SELECT c.conrelid::regclass::text, c.confrelid::regclass::text, c.contype,
			(SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(c.conkey) WITH ORDINALITY k(num, ord)
				JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.num)
		FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
		WHERE n.nspname = current_schema() AND c.contype IN ('f', 'p')`)
	if err != nil {
		return nil, fmt.Errorf("read target keys: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var tn, ref, typ, cols string
		if err := rows.Scan(&tn, &ref, &typ, &cols); err != nil {
			return nil, err
		}
		t := tables[tn]
		if t == nil {
			continue
		}
		if typ == "p" {
			t.pk = strings.Split(cols, ",")
			continue
		}
		col := strings.Split(cols, ",")
		if len(col) == 1 && nullable[tn+"."+col[0]] {
			// Nullable single-column references (a tier's prerequisite, a
			// renewed credential, a study's tier and back) may form cycles:
			// they are filled in once every row exists.
			t.deferred = append(t.deferred, col[0])
			continue
		}
		if ref != tn {
			t.deps[ref] = true
		}
	}
	return tables, rows.Err()
}

// copyOrder sorts the tables so that each comes after those it references.
func copyOrder(tables map[string]*pgTable) ([]*pgTable, error) {
	names := make([]string, 0, len(tables))
	for n := range tables {
		names = append(names, n)
	}
	sort.Strings(names)
	var order []*pgTable
	done := map[string]bool{}
	for len(order) < len(names) {
		progress := false
		for _, n := range names {
			t := tables[n]
			if done[n] {
				continue
			}
			ready := true
			for d := range t.deps {
				if !done[d] && tables[d] != nil {
					ready = false
				}
			}
			if ready {
				order = append(order, t)
				done[n] = true
				progress = true
			}
		}
		if !progress {
			return nil, errors.New("the target's foreign keys form a cycle through NOT NULL columns")
		}
	}
	return order, nil
}

const copyRows = 500

func copyTable(ctx context.Context, src, dst *sql.Tx, t *pgTable) error {
	deferred := map[string]bool{}
	for _, c := range t.deferred {
		deferred[c] = true
	}
	names := make([]string, len(t.cols))
	for i, c := range t.cols {
		names[i] = c.name
	}
	rows, err := src.QueryContext(ctx, `SELECT `+strings.Join(names, ", ")+` FROM `+t.name)
	if err != nil {
		return fmt.Errorf("read %s: %w", t.name, err)
	}
	defer rows.Close()
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(names)), ", ") + ")"
	var args []any
	n := 0
	flush := func() error {
		if n == 0 {
			return nil
		}
		q := `INSERT INTO ` + t.name + ` (` + strings.Join(names, ", ") + `) VALUES ` +
			strings.TrimSuffix(strings.Repeat(one+", ", n), ", ")
		if _, err := dst.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("copy %s: %w", t.name, err)
		}
		args, n = args[:0], 0
		return nil
	}
	vals := make([]any, len(names))
	ptrs := make([]any, len(names))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("read %s: %w", t.name, err)
		}
		for i, c := range t.cols {
			v, err := convert(vals[i], c.typ)
			if err != nil {
				return fmt.Errorf("copy %s.%s: %w", t.name, c.name, err)
			}
			if deferred[c.name] {
				v = nil
			}
			args = append(args, v)
		}
		if n++; n == copyRows {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read %s: %w", t.name, err)
	}
	return flush()
}

// copyDeferred sets the nullable references copyTable left NULL.
func copyDeferred(ctx context.Context, src, dst *sql.Tx, t *pgTable) error {
	if len(t.deferred) == 0 {
		return nil
	}
	if len(t.pk) == 0 {
		return fmt.Errorf("copy %s: no primary key to set %s by", t.name, strings.Join(t.deferred, ", "))
	}
	for _, col := range t.deferred {
		rows, err := src.QueryContext(ctx, `SELECT `+col+`, `+strings.Join(t.pk, ", ")+` FROM `+t.name+` WHERE `+col+` IS NOT NULL`)
		if err != nil {
			return fmt.Errorf("read %s.%s: %w", t.name, col, err)
		}
		type upd []any
		var todo []upd
		for rows.Next() {
			vals := make([]any, 1+len(t.pk))
			ptrs := make([]any, len(vals))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return err
			}
			for i, v := range vals {
				if b, ok := v.([]byte); ok {
					vals[i] = string(b)
				}
			}
			todo = append(todo, vals)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		q := `UPDATE ` + t.name + ` SET ` + col + ` = ? WHERE ` + strings.Join(t.pk, " = ? AND ") + ` = ?`
		for _, u := range todo {
			if _, err := dst.ExecContext(ctx, q, u...); err != nil {
				return fmt.Errorf("copy %s.%s: %w", t.name, col, err)
			}
		}
	}
	return nil
}

// convert turns a value as the SQLite driver returns it into one PostgreSQL
// accepts for a column of type typ. SQLite is loosely typed: a TIMESTAMP
// column may hold text, a REAL column an integer.
func convert(v any, typ string) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch typ {
	case "bytea":
		switch x := v.(type) {
		case []byte:
			return x, nil
		case string:
			return []byte(x), nil
		}
	case "text":
		switch x := v.(type) {
		case []byte:
			return string(x), nil
		case string:
			return x, nil
		case int64:
			return fmt.Sprint(x), nil
		case float64:
			return fmt.Sprint(x), nil
		case time.Time:
			return x.UTC().Format(time.RFC3339Nano), nil
		}
	case "bigint":
		switch x := v.(type) {
		case int64:
			return x, nil
		case float64:
			return int64(x), nil
		case bool:
			if x {
				return int64(1), nil
			}
			return int64(0), nil
		}
	case "double precision":
		switch x := v.(type) {
		case float64:
			return x, nil
		case int64:
			return float64(x), nil
		}
	case "timestamp with time zone":
		switch x := v.(type) {
		case time.Time:
			return x, nil
		case string:
			return parseSQLiteTime(x)
		case []byte:
			return parseSQLiteTime(string(x))
		}
	}
	return nil, fmt.Errorf("cannot copy a %T into a %s column", v, typ)
}

// parseSQLiteTime reads a time stored as text in one of the layouts the
// SQLite driver writes or accepts.
func parseSQLiteTime(s string) (time.Time, error) {
	s = strings.TrimSuffix(s, "Z")
	for _, layout := range []string{
		"2006-01-02 15:04:05.999999999-07:00", "2006-01-02T15:04:05.999999999-07:00",
		"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04", "2006-01-02",
	} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("unreadable time %q", s)
}
