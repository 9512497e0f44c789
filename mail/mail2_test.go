package mail_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/mopscert/mopscert/clock"
	"github.com/mopscert/mopscert/db/dbtest"
	"github.com/mopscert/mopscert/mail"
	"github.com/mopscert/mopscert/mail/mailtest"
)

func TestRetryWithBackoff(t *testing.T) {
	srv := mailtest.Start(t)
	d := openAt(t, dbtest.DSN(t))
	clk := clock.NewFake(t0)
	addUser(t, d, "u1", "ada@example.com")
	w := newWorker(t, d, clk, srv.URL())
	w.MaxAttempts = 3
	ctx := context.Background()
	if err := w.Outbox.Enqueue(ctx, mail.Notice{UserID: "u1", Kind: mail.KindPasswordChanged, Args: mail.Args{"name": "Ada"}}); err != nil {
		t.Fatal(err)
	}
	srv.SetFail(true)
	if n, err := w.SendDue(ctx); n != 0 || err != nil {
		t.Fatalf("failing server: sent %d, %v", n, err)
	}
	msgs, _, _ := w.Outbox.List(ctx, mail.Filter{})
	if got, want := msgs[0].NextTry, t0.Add(w.Backoff(1)); !got.Equal(want) {
		t.Errorf("next try %v, want %v", got, want)
	}
	if msgs[0].LastError == "" || msgs[0].Status != mail.StatusQueued {
		t.Errorf("after a failure: status %s, error %q", msgs[0].Status, msgs[0].LastError)
	}
	srv.SetFail(false)
	if n, _ := w.SendDue(ctx); n != 0 {
		t.Fatalf("sent %d before the backoff ran out", n)
	}
	clk.Advance(w.Backoff(1))
	if n, err := w.SendDue(ctx); n != 1 || err != nil {
		t.Fatalf("after the backoff: sent %d, %v", n, err)
	}
}

func TestGiveUpAfterMaxAttempts(t *testing.T) {
	srv := mailtest.Start(t)
	d := openAt(t, dbtest.DSN(t))
	clk := clock.NewFake(t0)
	addUser(t, d, "u1", "ada@example.com")
	w := newWorker(t, d, clk, srv.URL())
	w.MaxAttempts = 2
	ctx := context.Background()
	_ = w.Outbox.Enqueue(ctx, mail.Notice{UserID: "u1", Kind: mail.KindPasswordChanged, Args: mail.Args{"name": "Ada"}})
	srv.SetFail(true)
	for range 4 {
		_, _ = w.SendDue(ctx)
		clk.Advance(24 * time.Hour)
	}
	msgs, _, _ := w.Outbox.List(ctx, mail.Filter{})
	if msgs[0].Status != mail.StatusFailed || msgs[0].Attempts != 2 {
		t.Fatalf("status %s after %d attempts, want failed after 2", msgs[0].Status, msgs[0].Attempts)
	}
}

func TestBackoffDoublesAndCaps(t *testing.T) {
	w := &mail.Worker{BaseBackoff: time.Minute, MaxBackoff: time.Hour}
	for _, tc := range []struct {
		n    int
		want time.Duration
	}{{1, time.Minute}, {2, 2 * time.Minute}, {3, 4 * time.Minute}, {7, time.Hour}, {30, time.Hour}} {
		if got := w.Backoff(tc.n); got != tc.want {
			t.Errorf("Backoff(%d) = %v, want %v", tc.n, got, tc.want)
		}
	}
}

func TestSecretArgsWipedAfterSend(t *testing.T) {
	srv := mailtest.Start(t)
	d := openAt(t, dbtest.DSN(t))
	clk := clock.NewFake(t0)
	addUser(t, d, "u1", "ada@example.com")
	w := newWorker(t, d, clk, srv.URL())
	ctx := context.Background()
	_ = w.Outbox.Enqueue(ctx, mail.Notice{UserID: "u1", Kind: mail.KindPasswordReset, Args: mail.Args{"name": "Ada", "path": "/reset-password?token=SECRET"}})
	if _, err := w.SendDue(ctx); err != nil {
		t.Fatal(err)
	}
	if got := srv.To("ada@example.com"); len(got) != 1 || len(got[0].Links()) == 0 || got[0].Links()[0] != "https://cert.example.org/reset-password?token=SECRET" {
		t.Fatalf("reset mail links: %v", got)
	}
	var args string
	if err := d.R.QueryRow(`SELECT args FROM mail_outbox`).Scan(&args); err != nil || args != "{}" {
		t.Fatalf("stored args after send = %q, %v; want {}", args, err)
	}
}

func TestDedupeKey(t *testing.T) {
	d := openAt(t, dbtest.DSN(t))
	addUser(t, d, "u1", "ada@example.com")
	ctx := context.Background()
	for range 2 {
		err := d.Update(ctx, func(tx *sql.Tx) error {
			return mail.Enqueue(ctx, tx, t0, mail.Notice{UserID: "u1", Kind: mail.KindCertExpiring, DedupeKey: "expiring:30:C1"})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	var n int
	_ = d.R.QueryRow(`SELECT count(*) FROM mail_outbox`).Scan(&n)
	if n != 1 {
		t.Fatalf("%d rows for one dedupe key, want 1", n)
	}
}

func TestParseSMTPURL(t *testing.T) {
	for _, tc := range []struct {
		url  string
		want mail.SMTPConfig
		err  bool
	}{
		{url: "smtp://mailer:s3cret@mail.example.org:2525", want: mail.SMTPConfig{Host: "mail.example.org", Port: 2525, Username: "mailer", Password: "s3cret"}},
		{url: "smtp://mail.example.org?starttls=1", want: mail.SMTPConfig{Host: "mail.example.org", Port: 587, StartTLS: true}},
		{url: "smtps://u:p@mail.example.org", want: mail.SMTPConfig{Host: "mail.example.org", Port: 465, Username: "u", Password: "p", SSL: true}},
		{url: "http://mail.example.org", err: true},
		{url: "smtp://:25", err: true},
		{url: "smtp://mail.example.org:99999", err: true},
		{url: "smtps://mail.example.org?starttls=1", err: true},
	} {
		got, err := mail.ParseSMTPURL(tc.url)
		if (err != nil) != tc.err {
			t.Errorf("%s: err %v, want error %v", tc.url, err, tc.err)
			continue
		}
		if !tc.err && got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.url, got, tc.want)
		}
	}
}
