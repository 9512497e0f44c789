package db

import "strings"

// Dialect says which database engine a DB talks to. Stores write one text of
// SQL for both; only the few places where the engines must differ (locks,
// migrations, backups, isolation) ask.
type Dialect int

const (
	// SQLite is the embedded default: one file, one writer.
	SQLite Dialect = iota
	// Postgres is the shared store behind several stateless nodes.
	Postgres
)

func (d Dialect) String() string {
	if d == Postgres {
		return "postgres"
	}
	return "sqlite"
}

// IsPostgresURL reports whether a MOPSCERT_DB value names a PostgreSQL
// server rather than a SQLite file.
func IsPostgresURL(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// JSONHasKey is a condition true when the JSON object in column col has the
// key given as the statement's next parameter. The engines share no JSON
// function, so this is one of the few fragments written per dialect.
func (d *DB) JSONHasKey(col string) string {
	if d.dialect == Postgres {
		return "(" + col + "::jsonb -> ?) IS NOT NULL"
	}
	return "json_extract(" + col + ", '$.' || ?) IS NOT NULL"
}

// StringAgg concatenates expr over the group, separated by the literal sep
// (group_concat on SQLite, string_agg on PostgreSQL).
func (d *DB) StringAgg(expr, sep string) string {
	quoted := "'" + strings.ReplaceAll(sep, "'", "''") + "'"
	if d.dialect == Postgres {
		return "string_agg(" + expr + ", " + quoted + ")"
	}
	return "group_concat(" + expr + ", " + quoted + ")"
}

// SecondsBetween is the whole number of seconds from the timestamp
// expression earlier to later, rounded, or NULL when either is NULL.
// SQLite keeps times as text and has no interval type, so the engines share
// no expression for it.
func (d *DB) SecondsBetween(later, earlier string) string {
	if d.dialect == Postgres {
		return "CAST(round(extract(epoch FROM (" + later + " - " + earlier + "))) AS BIGINT)"
	}
	return "CAST(round((julianday(" + later + ") - julianday(" + earlier + ")) * 86400.0) AS INTEGER)"
}
