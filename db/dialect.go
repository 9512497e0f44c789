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
