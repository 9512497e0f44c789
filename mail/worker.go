package mail

import (
	"context"
	"log/slog"
	"time"
)

// Worker sends the outbox's due rows, one at a time.
type Worker struct {
	Outbox   *Outbox
	Renderer *Renderer
	Sender   Sender
	From     string
	Log      *slog.Logger

	// Lease is how long a claimed row is this worker's; a send that takes
	// longer may be repeated by another worker. Default 2 minutes.
	Lease time.Duration
	// MaxAttempts before a row is marked failed. Default 10 (about 17 hours
	// of backoff in all).
	MaxAttempts int
	// BaseBackoff doubles with each failed attempt, capped at MaxBackoff.
	// Defaults 1 minute and 4 hours.
	BaseBackoff, MaxBackoff time.Duration
}

func (w *Worker) defaults() {
	if w.Lease <= 0 {
		w.Lease = 2 * time.Minute
	}
	if w.MaxAttempts <= 0 {
		w.MaxAttempts = 10
	}
	if w.BaseBackoff <= 0 {
		w.BaseBackoff = time.Minute
	}
	if w.MaxBackoff <= 0 {
		w.MaxBackoff = 4 * time.Hour
	}
	if w.Log == nil {
		w.Log = slog.Default()
	}
}

// Backoff is the wait after the n-th failed attempt (n from 1).
func (w *Worker) Backoff(n int) time.Duration {
	w.defaults()
	d := w.BaseBackoff
	for i := 1; i < n && d < w.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, w.MaxBackoff)
}

// SendDue sends every row that is due now and returns how many were sent.
// It stops at the first row it cannot claim (none due) or when ctx ends.
func (w *Worker) SendDue(ctx context.Context) (int, error) {
	w.defaults()
	sent := 0
	for ctx.Err() == nil {
		m, err := w.Outbox.claim(ctx, w.Lease)
		if err != nil {
			return sent, err
		}
		if m == nil {
			return sent, nil
		}
		if err := w.send(ctx, m); err != nil {
			w.Log.Warn("mail not sent; will retry", "id", m.ID, "kind", m.Kind, "attempt", m.Attempts, "err", err)
			if err := w.Outbox.markRetry(ctx, m, err, w.Backoff(m.Attempts), w.MaxAttempts); err != nil {
				return sent, err
			}
			continue
		}
		if err := w.Outbox.markSent(ctx, m); err != nil {
			// Sent but not marked: after the lease it goes again, with the
			// same Message-ID (see the package comment).
			return sent, err
		}
		sent++
	}
	return sent, ctx.Err()
}

func (w *Worker) send(ctx context.Context, m *Message) error {
	r, err := w.Renderer.Render(m)
	if err != nil {
		return err
	}
	sctx, cancel := context.WithTimeout(ctx, w.Lease/2)
	defer cancel()
	return w.Sender.Send(sctx, Envelope{From: w.From, To: m.To, MessageID: m.MessageID(domainOf(w.From)), Rendered: r})
}

// Run sends due mail every interval until ctx ends.
func (w *Worker) Run(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = 5 * time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := w.SendDue(ctx); err != nil && ctx.Err() == nil {
			w.Log.Error("mail worker", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
