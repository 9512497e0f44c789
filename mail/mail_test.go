package mail_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mopscert/mopscert/clock"
	"github.com/mopscert/mopscert/db"
	"github.com/mopscert/mopscert/db/dbtest"
	"github.com/mopscert/mopscert/mail"
	"github.com/mopscert/mopscert/mail/mailtest"
)

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func openAt(tb testing.TB, path string) *db.DB {
	tb.Helper()
	d, err := db.Open(context.Background(), path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = d.Close() })
	return d
}

func addUser(tb testing.TB, d *db.DB, id, email string) {
	tb.Helper()
	err := d.Update(context.Background(), func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO users (id, email, email_norm, name, password_hash, role, created_at) VALUES (?, ?, ?, 'Ada Lovelace', 'x', 'candidate', ?)`, id, email, email, t0)
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
}

func newWorker(tb testing.TB, d *db.DB, clk clock.Clock, smtpURL string) *mail.Worker {
	tb.Helper()
	cfg, err := mail.ParseSMTPURL(smtpURL)
	if err != nil {
		tb.Fatal(err)
	}
	r, err := mail.NewRenderer("https://cert.example.org")
	if err != nil {
		tb.Fatal(err)
	}
	return &mail.Worker{Outbox: mail.NewOutbox(d, clk), Renderer: r, Sender: mail.NewSMTPSender(cfg), From: "MOps Cert <noreply@cert.example.org>"}
}

func TestWorkerSendsMultipart(t *testing.T) {
	srv := mailtest.Start(t)
	d := openAt(t, dbtest.DSN(t))
	clk := clock.NewFake(t0)
	addUser(t, d, "u1", "ada@example.com")
	w := newWorker(t, d, clk, srv.URL())
	ctx := context.Background()
	if err := w.Outbox.Enqueue(ctx, mail.Notice{UserID: "u1", Kind: mail.KindCertIssued, Args: mail.Args{
		"name": "Ada Lovelace", "tier_name": "Foundation", "cert_id": "MOPS-AAAA-BBBB-CCCC", "expires": "1 March 2028",
		"pdf_path": "/api/v1/certificates/MOPS-AAAA-BBBB-CCCC/pdf", "verify_path": "/verify?id=MOPS-AAAA-BBBB-CCCC",
	}}); err != nil {
		t.Fatal(err)
	}
	n, err := w.SendDue(ctx)
	if err != nil || n != 1 {
		t.Fatalf("SendDue = %d, %v; want 1, nil", n, err)
	}
	got := srv.To("ada@example.com")
	if len(got) != 1 {
		t.Fatalf("received %d messages, want 1", len(got))
	}
	m := got[0]
	if want := "Your Foundation certificate"; m.Subject != want {
		t.Errorf("subject %q, want %q", m.Subject, want)
	}
	if !strings.Contains(m.Text, "https://cert.example.org/api/v1/certificates/MOPS-AAAA-BBBB-CCCC/pdf") {
		t.Errorf("text has no absolute PDF link:\n%s", m.Text)
	}
	if !strings.Contains(m.HTML, `href="https://cert.example.org/api/v1/certificates/MOPS-AAAA-BBBB-CCCC/pdf"`) {
		t.Errorf("HTML has no PDF link:\n%s", m.HTML)
	}
	if !strings.Contains(m.Header.Get("Content-Type"), "multipart/alternative") {
		t.Errorf("Content-Type %q, want multipart/alternative", m.Header.Get("Content-Type"))
	}
	if !strings.HasPrefix(m.MessageID, "<outbox-1.") || !strings.HasSuffix(m.MessageID, "@cert.example.org>") {
		t.Errorf("Message-ID %q not derived from the row", m.MessageID)
	}
	if n, _ := w.SendDue(ctx); n != 0 {
		t.Errorf("second SendDue sent %d, want 0", n)
	}
}

// TestCrashBetweenCommitAndSend: the row is committed, the process dies
// before any worker sends it; a new process on the same file sends it
// exactly once.
func TestCrashBetweenCommitAndSend(t *testing.T) {
	srv := mailtest.Start(t)
	path := dbtest.DSN(t)
	clk := clock.NewFake(t0)
	ctx := context.Background()

	d1, err := db.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	addUser(t, d1, "u1", "ada@example.com")
	err = d1.Update(ctx, func(tx *sql.Tx) error {
		// The change that causes the mail and the mail, in one transaction.
		if _, err := tx.Exec(`UPDATE users SET name = 'Ada King' WHERE id = 'u1'`); err != nil {
			return err
		}
		return mail.Enqueue(ctx, tx, clk.Now(), mail.Notice{UserID: "u1", Kind: mail.KindPasswordChanged, Args: mail.Args{"name": "Ada"}})
	})
	if err != nil {
		t.Fatal(err)
	}
	// The "crash": the first process never ran a worker and closes.
	if err := d1.Close(); err != nil {
		t.Fatal(err)
	}

	d2 := openAt(t, path)
	w := newWorker(t, d2, clk, srv.URL())
	for range 3 { // the restarted worker's ticks, and a second worker's
		if _, err := w.SendDue(ctx); err != nil {
			t.Fatal(err)
		}
		clk.Advance(10 * time.Minute)
	}
	w2 := newWorker(t, d2, clk, srv.URL())
	if _, err := w2.SendDue(ctx); err != nil {
		t.Fatal(err)
	}
	if got := len(srv.To("ada@example.com")); got != 1 {
		t.Fatalf("after restart: %d messages, want exactly 1", got)
	}
}

// TestCrashAfterClaim: a worker claims a row and dies before the mark. No
// one else sends it while the lease runs; after it, it is sent with the
// same Message-ID it would have had.
func TestCrashAfterClaim(t *testing.T) {
	srv := mailtest.Start(t)
	path := dbtest.DSN(t)
	clk := clock.NewFake(t0)
	ctx := context.Background()
	d := openAt(t, path)
	addUser(t, d, "u1", "ada@example.com")
	w := newWorker(t, d, clk, srv.URL())
	if err := w.Outbox.Enqueue(ctx, mail.Notice{UserID: "u1", Kind: mail.KindPasswordChanged, Args: mail.Args{"name": "Ada"}}); err != nil {
		t.Fatal(err)
	}
	dying := *w
	dying.Sender = crashSender{}
	if err := untilCrash(func() { _, _ = dying.SendDue(ctx) }); !errors.Is(err, errCrash) {
		t.Fatalf("dying worker: %v, want the crash", err)
	}
	if n, _ := w.SendDue(ctx); n != 0 {
		t.Fatalf("sent %d while the lease runs, want 0", n)
	}
	clk.Advance(w.Lease + time.Second)
	if n, err := w.SendDue(ctx); n != 1 || err != nil {
		t.Fatalf("after the lease: sent %d, %v; want 1", n, err)
	}
	got := srv.To("ada@example.com")
	if len(got) != 1 || !strings.HasPrefix(got[0].MessageID, "<outbox-1.") {
		t.Fatalf("got %d messages (%v), want one with the row's Message-ID", len(got), got)
	}
}

var errCrash = errors.New("crash")

// crashSender stands for a process that dies mid-send: it returns an error
// that SendDue cannot get past (the lease is not released).
type crashSender struct{}

func (crashSender) Send(context.Context, mail.Envelope) error { panic(errCrash) }

// untilCrash runs f and returns what it panicked with: the process "dies"
// there, with no deferred cleanup of the outbox row.
func untilCrash(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err, _ = r.(error)
		}
	}()
	f()
	return nil
}
