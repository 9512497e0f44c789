package db

import (
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
)

// The one place that knows how each driver reports a constraint or a
// conflict, so stores ask by meaning and never match message text.

// IsUniqueViolation reports whether err is a UNIQUE or PRIMARY KEY conflict.
func IsUniqueViolation(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.ExtendedCode == sqlite3.ErrConstraintUnique || se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey
	}
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// IsUniqueViolationOn reports whether err is a unique violation on table,
// and, when column is not empty, of a key that starts with column. SQLite
// names "table.column" only in its message and PostgreSQL the key columns
// only in the detail, so this reading of text stays here, in one place.
func IsUniqueViolationOn(err error, table, column string) bool {
	if !IsUniqueViolation(err) {
		return false
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		msg := strings.TrimPrefix(se.Error(), "UNIQUE constraint failed: ")
		if column == "" {
			return strings.HasPrefix(msg, table+".")
		}
		return strings.HasPrefix(msg, table+"."+column)
	}
	var pe *pgconn.PgError
	errors.As(err, &pe)
	if pe.TableName != table {
		return false
	}
	return column == "" || strings.HasPrefix(pe.Detail, "Key ("+column)
}

// IsForeignKeyViolation reports whether err is a foreign key violation.
func IsForeignKeyViolation(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.ExtendedCode == sqlite3.ErrConstraintForeignKey
	}
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23503"
}

// IsRetryable reports whether running the same transaction again may
// succeed: a serialization failure or deadlock on PostgreSQL, a busy or
// locked database on SQLite.
func IsRetryable(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked
	}
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}
