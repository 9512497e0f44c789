package db_test

import (
	"context"
	"testing"

	"github.com/mopscert/mopscert/db"
	"github.com/mopscert/mopscert/db/dbtest"
)

// During a rolling upgrade a newer node migrates first; the older nodes
// must still call their schema current, or /readyz takes them all out.
func TestCurrentWithNewerSchema(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t)
	if ok, err := d.Current(ctx); err != nil || !ok {
		t.Fatalf("Current after migrating = %v, %v; want true", ok, err)
	}
	if _, err := d.W.ExecContext(ctx, `INSERT INTO goose_db_version (version_id, is_applied) VALUES (?, ?)`, db.KnownVersion()+1, true); err != nil {
		t.Fatal(err)
	}
	if ok, err := d.Current(ctx); err != nil || !ok {
		t.Errorf("Current with a newer node's migration applied = %v, %v; want true", ok, err)
	}
}
