// Package migrations holds the database schema as goose SQL migrations,
// embedded so the binary can create and upgrade its own database.
package migrations

import "embed"

// FS holds every NNNNN_name.sql file in this folder.
//
//go:embed *.sql
var FS embed.FS
