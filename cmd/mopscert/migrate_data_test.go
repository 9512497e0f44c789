package main

import (
	"bytes"
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mopscert/mopscert/db"
	"github.com/mopscert/mopscert/db/dbtest"
	"github.com/mopscert/mopscert/exam/simulate"
)

// A populated SQLite installation (admin and candidates, the bank with an
// edited item, attempts with answers, certificates, signing keys, audit
// rows) moves into PostgreSQL whole: every count matches, a second run is
// refused, and the server on PostgreSQL signs the admin in and still
// verifies a certificate issued on SQLite.
func TestMigrateDataToPostgres(t *testing.T) {
	dbtest.RequirePostgres(t)
	ctx := context.Background()
	src := filepath.Join(t.TempDir(), "src.db")
	m := startMain(t, src, nil)
	base := m.Config.BaseURL

	cand := register(t, base, "mover@example.com")
	_ = cand
	r := &simulate.Runner{DB: m.db, Exams: m.exams, Items: m.bank, Certs: m.certs, Seed: 3, AllowReal: true}
	if _, err := r.Run(ctx, "foundation", 12); err != nil {
		t.Fatal(err)
	}
	items, err := m.bank.AllItems(ctx)
	if err != nil || len(items) == 0 {
		t.Fatalf("bank: %d items, %v", len(items), err)
	}
	edited := items[0]
	edited.Rationale += " Edited before the move."
	if err := m.bank.UpdateItem(ctx, edited, adminEmail); err != nil {
		t.Fatal(err)
	}
	u, err := m.accounts.FindUserByEmail(ctx, "mover@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.exams.WaiveRetakeWait(ctx, u.ID, "foundation", adminEmail, "moved to a new server"); err != nil {
		t.Fatal(err)
	}
	var token, credID string
	if err := m.db.R.QueryRow(`SELECT id, token FROM credentials ORDER BY id LIMIT 1`).Scan(&credID, &token); err != nil {
		t.Fatalf("no certificate to move (simulated candidates all failed?): %v", err)
	}
	for _, q := range []string{`SELECT count(*) FROM answers`, `SELECT count(*) FROM admin_actions`,
		`SELECT count(*) FROM item_versions WHERE version > 1`, `SELECT count(*) FROM signing_keys`} {
		var n int
		if err := m.db.R.QueryRow(q).Scan(&n); err != nil || n == 0 {
			t.Fatalf("%s = %d (%v): the source is not populated enough to prove the move", q, n, err)
		}
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}

	dst := dbtest.EmptyDSN(t)
	env := func(string) string { return "" }
	var out, errOut bytes.Buffer
	if code := run(ctx, []string{"migrate-data", "--from", src, "--to", dst}, strings.NewReader(""), &out, &errOut, env); code != 0 {
		t.Fatalf("migrate-data: exit %d\n%s%s", code, out.String(), errOut.String())
	}
	if !strings.Contains(out.String(), "every count matches") || !strings.Contains(out.String(), "credentials") {
		t.Fatalf("migrate-data output:\n%s", out.String())
	}
	out.Reset()
	errOut.Reset()
	if code := run(ctx, []string{"migrate-data", "--from", src, "--to", dst}, strings.NewReader(""), &out, &errOut, env); code == 0 ||
		!strings.Contains(errOut.String(), db.ErrTargetNotEmpty.Error()) {
		t.Fatalf("second migrate-data into the same database: exit %d %s, want a refusal", code, errOut.String())
	}

	// The same public URL as before: certificates name their issuer.
	pg := startMain(t, dst, func(c *Config) { c.BaseURL = base })
	admin := newClient(t, pg.URL())
	mustStatus(t, admin.login(adminEmail, adminPassword), 200)
	mover := newClient(t, pg.URL())
	mustStatus(t, mover.login("MOVER@example.com", "correct horse battery"), 200)
	var v struct {
		Status      string `json:"status"`
		Certificate struct {
			ID string `json:"id"`
		} `json:"certificate"`
	}
	res := admin.do("GET", "/api/v1/verify?token="+url.QueryEscape(token), nil, nil)
	mustStatus(t, res, 200)
	res.json(t, &v)
	if v.Status != "valid" || v.Certificate.ID != credID {
		t.Fatalf("verify on PostgreSQL = %s %+v, want valid %s", res.Body, v, credID)
	}
	// New audit rows get ids after the copied ones (the sequences moved on).
	if err := pg.exams.WaiveRetakeWait(ctx, u.ID, "foundation", adminEmail, "again, on PostgreSQL"); err != nil {
		t.Fatalf("a new audit row after the move: %v", err)
	}
	var versions int
	if err := pg.db.R.QueryRow(`SELECT count(*) FROM item_versions WHERE item_id = ?`, edited.ID).Scan(&versions); err != nil || versions != 2 {
		t.Fatalf("versions of the edited item on PostgreSQL = %d (%v), want 2", versions, err)
	}
}
