// Package migrations holds the database schema as goose SQL migrations,
// embedded so the binary can create and upgrade its own database.
package migrations

import (
	"embed"
	"io/fs"
)

// FS holds every NNNNN_name.sql file in this folder: the SQLite schema.
//
//go:embed *.sql
var FS embed.FS

//go:embed postgres/*.sql
var postgresFS embed.FS

// PostgresFS holds postgres/NNNNN_name.sql: the same migrations, with the
// same numbers, tables and columns, in PostgreSQL's types.
var PostgresFS = mustSub(postgresFS, "postgres")

func mustSub(f fs.FS, dir string) fs.FS {
	s, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return s
}
