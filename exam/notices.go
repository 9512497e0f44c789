package exam

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/mopscert/mopscert/exam/cert"
	"github.com/mopscert/mopscert/mail"
)

// notifyGraded records, in the grading transaction, that the candidate is to
// be told the result and, on a pass, that the certificate was issued. A
// result nobody has seen yet (the sweeper closed it at the deadline, or the
// browser was closed) reaches the candidate this way.
func (s *Service) notifyGraded(ctx context.Context, tx *sql.Tx, a *attemptRow, g grade, tierName string, c *cert.Credential) error {
	now := s.clock.Now()
	outcome := "did not pass"
	if g.Outcome == OutcomePassed {
		outcome = "passed"
	}
	err := mail.Enqueue(ctx, tx, now, mail.Notice{UserID: a.UserID, Kind: mail.KindResultAvailable, Args: mail.Args{
		"name": a.HolderName, "tier_name": tierName, "outcome": outcome, "score": strconv.FormatFloat(g.ScorePercent, 'f', 0, 64),
		"path": "/exam/" + a.ID + "/result", "attempt_id": a.ID,
	}})
	if err != nil || c == nil {
		return err
	}
	return mail.Enqueue(ctx, tx, now, cert.IssuedNotice(*c))
}

// ExpiryNoticeDays are the days before expiry at which a holder is told.
var ExpiryNoticeDays = []int{90, 30}

// SendExpiryNotices enqueues "your certificate expires in N days" for every
// valid, unsuperseded certificate inside a notice window. Each notice goes
// once per certificate (a dedupe key), so the job may run as often as it
// likes; a certificate that enters the 30-day window without the 90-day one
// having gone (issued late, job down) gets only the 30-day notice.
func (s *Service) SendExpiryNotices(ctx context.Context) (int, error) {
	now := s.clock.Now()
	n := 0
	err := s.db.Update(ctx, func(tx *sql.Tx) error {
		for i, days := range ExpiryNoticeDays {
			// Inside this window and not inside the next, smaller one.
			lower := now
			if i+1 < len(ExpiryNoticeDays) {
				lower = now.Add(time.Duration(ExpiryNoticeDays[i+1]) * 24 * time.Hour)
			}
			rows, err := tx.QueryContext(ctx, `SELECT id, user_id, holder_name, tier_code, tier_name, expires_at FROM credentials
				WHERE revoked_at IS NULL AND superseded_by IS NULL AND expires_at > ? AND expires_at <= ?`,
				lower, now.Add(time.Duration(days)*24*time.Hour))
			if err != nil {
				return fmt.Errorf("expiring certificates: %w", err)
			}
			type due struct {
				id, user, name, tier, tierName string
				exp                            time.Time
			}
			var list []due
			for rows.Next() {
				var d due
				if err := rows.Scan(&d.id, &d.user, &d.name, &d.tier, &d.tierName, &d.exp); err != nil {
					rows.Close()
					return err
				}
				list = append(list, d)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for _, d := range list {
				err := mail.Enqueue(ctx, tx, now, mail.Notice{UserID: d.user, Kind: mail.KindCertExpiring,
					DedupeKey: fmt.Sprintf("expiring:%d:%s", days, d.id), Args: mail.Args{
						"name": d.name, "tier_name": d.tierName, "cert_id": d.id, "days": strconv.Itoa(days),
						"expires": d.exp.UTC().Format("2 January 2006"), "path": "/tiers/" + d.tier,
					}})
				if err != nil {
					return err
				}
				n++
			}
		}
		return nil
	})
	return n, err
}

// RunExpiryNotices runs SendExpiryNotices now and then every interval
// (daily in production) until ctx ends.
func (s *Service) RunExpiryNotices(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := s.SendExpiryNotices(ctx); err != nil && ctx.Err() == nil {
			s.cfg.Logger.Error("expiry notices", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
