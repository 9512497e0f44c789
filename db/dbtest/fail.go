package dbtest

import (
	"testing"

	"github.com/mopscert/mopscert/db"
)

// FailWrites makes every event ("INSERT", "UPDATE", "DELETE") on table fail
// as a full disk would, by a trigger written in the store's own dialect.
func FailWrites(tb testing.TB, d *db.DB, table, event string) {
	tb.Helper()
	name := "fail_" + table + "_" + event
	stmts := []string{`CREATE TRIGGER ` + name + ` BEFORE ` + event + ` ON ` + table + `
		BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`}
	if d.Dialect() == db.Postgres {
		stmts = []string{
			`CREATE OR REPLACE FUNCTION mopscert_fail() RETURNS trigger LANGUAGE plpgsql AS
				'BEGIN RAISE EXCEPTION ''database or disk is full''; END'`,
			`CREATE TRIGGER ` + name + ` BEFORE ` + event + ` ON ` + table + ` FOR EACH ROW EXECUTE FUNCTION mopscert_fail()`,
		}
	}
	for _, q := range stmts {
		if _, err := d.W.Exec(q); err != nil {
			tb.Fatalf("make %s on %s fail: %v", event, table, err)
		}
	}
}
